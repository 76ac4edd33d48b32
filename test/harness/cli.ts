import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The CLI as built into the package's dist (what the published bin runs). */
export const CLI = fileURLToPath(new URL('../../packages/plugin/dist/cli.js', import.meta.url))

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `hmr-doctor` with `args` (as `node <bin>`, or `command` given), no TTY, and collects what it printed. */
export function runCli(args: readonly string[], options: { command?: string[]; cwd?: string } = {}): Promise<CliRun> {
  const [file = process.execPath, ...prefix] = options.command ?? [process.execPath, CLI]
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...prefix, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1' },
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
