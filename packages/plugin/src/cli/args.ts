import { parseArgs } from 'node:util'
import { CheckError } from './check-error.js'
import type { CheckOptions } from './observe.js'

/** The name the README uses (npx finds the package by it); `hmr-doctor` is the same command. */
const BIN = 'vite-plugin-hmr-doctor'

export const MAIN_HELP = `Usage: ${BIN} <command> [options]
       hmr-doctor <command> [options]

Finds out why Vite's HMR WebSocket fails behind a reverse proxy, and prints the fix.

Commands:
  check <url>     Open <url> as a browser would, dial Vite's HMR socket through every hop, diagnose

Options:
  -h, --help      Show help (${BIN} check --help for the command's options)
  -v, --version   Show the version

Example:
  npx ${BIN} check http://localhost:8080/
`

export const CHECK_HELP = `Usage: ${BIN} check <url> [options]

Loads the page at <url> (through the proxy, as the browser opens it), finds Vite's client, reads the HMR
settings Vite baked into it, and dials the socket as the browser does, then Vite's direct fallback.

Options:
  --idle <seconds>   Hold the opened socket without traffic this long: finds a proxy's idle timeout
  --timeout <secs>   How long the whole check may take, every answer included (default 5)
  --origin <origin>  The page's origin (default: the URL's): the socket is dialled with it, and Vite's client
                     asked for as a page there asks for it, which Vite's CORS may refuse
  --client <url>     Where Vite's client is, when the page doesn't name it
  --insecure         Accept an untrusted TLS certificate (a self-signed proxy)
  --project          Where a failure is found, read the vite.config in this folder with the project's own
                     Vite (this runs it, as vite does) for exact fixes instead of what the client implies
  --json             Print the result as JSON (schema: the docs' CLI page)
  -h, --help         Show this help

Exit codes: 0 healthy, 1 a failure diagnosed, 2 could not check.
`

export type Command =
  | { kind: 'help'; text: string }
  | { kind: 'version' }
  | { kind: 'check'; options: CheckOptions; json: boolean; project: boolean }

function seconds(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback
  const parsed = Number(value)
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > max) {
    throw new CheckError(`--${name} takes a number of seconds from 0 to ${max}, not "${value}"`)
  }
  return Math.round(parsed * 1000)
}

function httpUrl(value: string, what: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new CheckError(`${what} "${value}" is not a URL (try http://host:port/)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CheckError(`${what} "${value}" is not an http:// or https:// URL`)
  }
  return url
}

/** The command line as a command, or a CheckError naming what is wrong with it. */
export function parseCommand(argv: readonly string[]): Command {
  const { values, positionals } = parse(argv)
  const [command, target, ...rest] = positionals
  if (values.version) return { kind: 'version' }
  if (command === undefined) return { kind: 'help', text: MAIN_HELP }
  if (command !== 'check') throw new CheckError(`unknown command "${command}" (try ${BIN} --help)`)
  if (values.help) return { kind: 'help', text: CHECK_HELP }
  if (target === undefined) throw new CheckError(`check needs the URL to check (try ${BIN} check --help)`)
  if (rest.length > 0) throw new CheckError(`check takes one URL, not also "${rest.join(' ')}"`)
  const origin = values.origin === undefined ? null : httpUrl(values.origin, '--origin').origin
  return {
    kind: 'check',
    json: values.json === true,
    project: values.project === true,
    options: {
      url: httpUrl(target, 'the URL'),
      origin,
      client: values.client === undefined ? null : httpUrl(values.client, '--client'),
      insecure: values.insecure === true,
      timeoutMs: seconds(values.timeout, 'timeout', 5000, 600) || 5000,
      idleMs: seconds(values.idle, 'idle', 0, 3600),
    },
  }
}

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  json: { type: 'boolean' },
  insecure: { type: 'boolean' },
  project: { type: 'boolean' },
  idle: { type: 'string' },
  timeout: { type: 'string' },
  origin: { type: 'string' },
  client: { type: 'string' },
} as const

/** Node's parser, lenient, then checked here: its strict errors are several sentences of its own syntax. */
function parse(argv: readonly string[]) {
  const { values, positionals, tokens } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: false,
    tokens: true,
    options: OPTIONS,
  })
  for (const token of tokens) {
    if (token.kind !== 'option') continue
    const option = Object.hasOwn(OPTIONS, token.name) ? OPTIONS[token.name as keyof typeof OPTIONS] : null
    if (option === null) throw new CheckError(`Unknown option '${token.rawName}' (try ${BIN} --help)`)
    if (option.type === 'string' && token.value === undefined) throw new CheckError(`${token.rawName} needs a value`)
    if (option.type === 'boolean' && token.inlineValue) throw new CheckError(`${token.rawName} takes no value`)
  }
  const text = (name: 'idle' | 'timeout' | 'origin' | 'client') => {
    const value = values[name]
    return typeof value === 'string' ? value : undefined
  }
  const flag = (name: 'help' | 'version' | 'json' | 'insecure' | 'project') => values[name] === true
  return {
    positionals,
    values: {
      help: flag('help'),
      version: flag('version'),
      json: flag('json'),
      insecure: flag('insecure'),
      project: flag('project'),
      idle: text('idle'),
      timeout: text('timeout'),
      origin: text('origin'),
      client: text('client'),
    },
  }
}
