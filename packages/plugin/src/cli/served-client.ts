import { CheckError } from './check-error.js'

/** The HMR settings Vite bakes into the `/@vite/client` it serves (the same lines in Vite 5.4 to 8). */
export interface ServedClient {
  /** `hmr.protocol`, or null: the client then picks `wss` for an https client URL, else `ws`. */
  protocol: 'ws' | 'wss' | null
  /** `hmr.host`, or null: the client then dials its own URL's hostname. */
  hostname: string | null
  /** `hmr.clientPort` or `hmr.port` (24678 in middleware mode), or null: the client URL's port. */
  port: number | null
  /** `base` joined with `hmr.path`: the path the socket dials. */
  hmrBase: string
  /** Where the direct fallback dials (`host:port/base`), tried only when `port` is null. */
  directTarget: string
  base: string
  /** The HMR token (Vite 5.4.12 / 6.0.9 on), or null from a Vite that issues none. */
  token: string | null
  /** The client's ping interval (`hmr.timeout`), or null where the client doesn't say (Vite 5). */
  pingMs: number | null
}

const MAX_VALUE = 300

function literal(source: string, pattern: RegExp): string | null | undefined {
  const match = pattern.exec(source)
  if (!match?.[1]) return undefined
  if (match[1] === 'null' || match[1] === 'undefined') return null
  try {
    const value: unknown = JSON.parse(match[1])
    return typeof value === 'string' && value.length <= MAX_VALUE ? value : undefined
  } catch {
    return undefined
  }
}

function integer(source: string, pattern: RegExp): number | null | undefined {
  const match = pattern.exec(source)
  if (!match?.[1]) return undefined
  if (match[1] === 'null') return null
  const value = Number(match[1])
  return Number.isSafeInteger(value) && value > 0 ? value : undefined
}

const HOST = /^[A-Za-z0-9._~:[\]-]{1,260}$/
const PATH = /^\/[\x21-\x7e]{0,255}$/

const STRING = '("(?:[^"\\\\\\n]|\\\\.)*"|null|undefined)'

/** The text holds no HMR settings at all: something other than Vite's client answered. */
export class NotViteClient extends CheckError {
  override name = 'NotViteClient'
}

/** Reads the served client's settings, or throws a CheckError when the text is not Vite's client. */
export function readServedClient(source: string, where: string): ServedClient {
  const protocol = literal(source, new RegExp(`const socketProtocol = ${STRING} \\|\\|`))
  const hostname = literal(
    source,
    new RegExp(`const socketHost = \`\\$\\{${STRING} \\|\\| importMetaUrl\\.hostname\\}`),
  )
  const hmrBase = literal(source, new RegExp(`const socketHost = \`[^\`\\n]*\\$\\{${STRING}\\}\`;`))
  const directTarget = literal(source, new RegExp(`const directSocketHost = ${STRING};`))
  const base = literal(source, new RegExp(`const base = ${STRING} \\|\\|`))
  const port = integer(source, /const hmrPort = (\d+|null);/)
  const token = literal(source, new RegExp(`const wsToken = ${STRING};`))
  const pingMs = integer(source, /const hmrTimeout = (\d+);/)
  if (
    protocol === undefined ||
    hostname === undefined ||
    typeof hmrBase !== 'string' ||
    typeof directTarget !== 'string' ||
    typeof base !== 'string' ||
    port === undefined
  ) {
    throw new NotViteClient(`${where} is not Vite's client (no HMR settings in it)`)
  }
  if (protocol !== null && protocol !== 'ws' && protocol !== 'wss') {
    throw new CheckError(`${where} names an HMR protocol Vite's client can't dial`)
  }
  // What the client names is printed and dialled: only the characters a host or a path can hold.
  const hosts = [hostname ?? 'localhost', directTarget.replace(/\/.*$/, '')]
  const paths = [hmrBase, base, directTarget.replace(/^[^/]*/, '')]
  if (!hosts.every((host) => HOST.test(host)) || !paths.every((path) => PATH.test(path))) {
    throw new CheckError(`${where} names an HMR host or path no browser would dial`)
  }
  return { protocol, hostname, port, hmrBase, directTarget, base, token: token ?? null, pingMs: pingMs ?? null }
}

export interface SocketTargets {
  /** The URL Vite's client dials first, token left out. */
  primary: string
  /** Where it retries straight at Vite when the first fails, or null when it doesn't (a port is set). */
  direct: string | null
}

/** The socket URLs as Vite's client builds them from its own URL (`import.meta.url`) and these settings. */
export function socketTargets(clientUrl: URL, served: ServedClient): SocketTargets {
  const protocol = served.protocol ?? (clientUrl.protocol === 'https:' ? 'wss' : 'ws')
  const host = `${served.hostname ?? clientUrl.hostname}:${served.port ?? clientUrl.port}`
  return {
    primary: `${protocol}://${host}${served.hmrBase}`,
    direct: served.port === null ? `${protocol}://${served.directTarget}` : null,
  }
}

/** A `src` attribute's value within one tag's text (which holds no `>`). */
const SRC = /(?:^|[\s"'/])src\s*=\s*(?:"([^"]*)"|'([^']*)')/i

/**
 * Where a page asks for Vite's client: its script tags naming `@vite/client`, resolved against the page.
 * Read in one pass: each tag runs from `<script` to the next `>`, and the next search starts after it.
 */
export function clientCandidates(pageUrl: URL, html: string, override: URL | null): URL[] {
  if (override) return [override]
  const lower = html.toLowerCase()
  const found: URL[] = []
  for (let start = lower.indexOf('<script'); start !== -1; ) {
    const close = lower.indexOf('>', start)
    const end = close === -1 ? lower.length : close
    const next = lower.charAt(start + 7)
    const src = /[\s/>]/.test(next) ? SRC.exec(html.slice(start + 7, end)) : null
    const value = src?.[1] ?? src?.[2]
    if (value?.includes('@vite/client')) {
      try {
        found.push(new URL(value, pageUrl))
      } catch {
        // A tag that doesn't resolve to a URL is not one the browser would load either.
      }
    }
    start = close === -1 ? -1 : lower.indexOf('<script', end)
  }
  return found
}
