import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { printedBlocks } from 'hmr-doctor-playground/kit'
import { expect } from 'vitest'

/** The CLI as built into the package's dist (what the published bin runs). */
export const CLI = fileURLToPath(new URL('../../packages/plugin/dist/cli.js', import.meta.url))

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

/** The environment a run gets: `env` over this process's, `NO_COLOR` set unless `env` says otherwise. */
function cliEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return { ...process.env, NO_COLOR: '1', ...env }
}

/**
 * Runs `hmr-doctor` with `args` (as `node <bin>`, or `command` given), no TTY, and collects what it printed.
 * `env` adds to the environment; `NO_COLOR: undefined` runs without it.
 */
export function runCli(
  args: readonly string[],
  options: { command?: string[]; cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<CliRun> {
  const [file = process.execPath, ...prefix] = options.command ?? [process.execPath, CLI]
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...prefix, ...args], {
      cwd: options.cwd,
      env: cliEnv(options.env ?? {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8')
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8')
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

const RESOLVE_NAMES = fileURLToPath(new URL('./resolve-names.mjs', import.meta.url))

/**
 * `check url args` as the developer runs it on the URL they open the page at, `names` resolved as the test
 * browser resolves them (`{ 'app.test': '127.0.0.2' }`): what the plugin's description points to.
 */
export function checkTyped(url: string, args: readonly string[], names: Record<string, string> = {}): Promise<CliRun> {
  const pairs = Object.entries(names).map(([name, address]) => `${name}=${address}`)
  return runCli(['check', url, '--timeout', '30', ...args], {
    env: { NODE_OPTIONS: `--import ${RESOLVE_NAMES}`, HMR_DOCTOR_TEST_NAMES: pairs.join(',') },
  })
}

/**
 * What a finding that only a page's report vouches for points to: no block in the plugin's `output`, the
 * check to run instead; then that check, typed on `url`, as the developer runs it. Its output holds the fix.
 */
export async function checkAsPointed(
  output: string,
  url: string,
  args: readonly string[] = [],
  names: Record<string, string> = {},
): Promise<string> {
  expect(printedBlocks(output).size).toBe(0)
  expect(output).toContain(
    `If you open the app at ${new URL(url).origin}, run npx hmr-doctor check <the URL you open the page at>`,
  )
  const checked = await checkTyped(url, args, names)
  expect(checked.code).toBe(1)
  return checked.stdout
}

/** The `--json` result of a run, parsed. */
export function cliJson(run: CliRun): {
  result: string
  exitCode: number
  error: string | null
  findings: Array<{ cause: string; summary: string; seen: string; proxy: Array<{ where: string; text: string }> }>
  hops: Array<{ step: string; result: string; status: number | null; kind: string | null; server: string | null }>
} {
  return JSON.parse(run.stdout)
}

/** `value` quoted for sh: the command line `script` hands to the shell. */
function shellQuoted(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

/**
 * Runs `node <bin> args` on a pseudo-terminal (util-linux `script`), as from a user's shell: stdout and
 * stderr both go to the terminal, so `output` is the two interleaved as the user sees them, escapes kept.
 */
export function runCliInTerminal(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, CLI, ...args].map(shellQuoted).join(' ')
  return runCli(['-qec', command, '/dev/null'], { command: ['script'], env: { TERM: 'xterm', ...env } }).then(
    (run) => ({ code: run.code, output: run.stdout }),
  )
}
