import { type ChildProcess, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { freePort, PROXY_HOST, waitFor } from 'hmr-doctor-playground/kit'

/** Where the scripts run: beside the fixture's package.json, so they import its real packages from npm. */
const FIXTURE = dirname(createRequire(import.meta.url).resolve('hmr-doctor-fixture-node-proxies/package.json'))

export interface RunningNodeFront {
  origin: string
  port: number
  /** Everything the script printed so far (a Vite it runs logs there, the doctor included). */
  output(): string
  /** Stops the server (and with it every socket it holds). */
  stop(): Promise<void>
}

/**
 * Runs `source`, a user's server script (in front of Vite, or running it), as a child process on
 * PROXY_HOST. It reads `PORT`, `HOST` and `env` from its environment and logs `listening` once it does.
 */
export async function startNodeFront(
  source: string,
  env: Record<string, string>,
  port?: number,
): Promise<RunningNodeFront> {
  const listenPort = port ?? (await freePort(PROXY_HOST))
  const file = join(FIXTURE, `.server-${randomUUID()}.mjs`)
  writeFileSync(file, source)
  const child: ChildProcess = spawn(process.execPath, [file], {
    cwd: FIXTURE,
    env: { ...process.env, ...env, PORT: String(listenPort), HOST: PROXY_HOST },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill()
    await exited
    rmSync(file, { force: true })
  }
  try {
    await waitFor(
      'the server script to listen',
      () => {
        if (child.exitCode !== null) throw new Error(`the server script exited: ${output}`)
        return output.includes('listening')
      },
      15_000,
    )
  } catch (error) {
    await stop()
    throw new Error(`${String(error)}\n${output}`)
  }
  return { origin: `http://${PROXY_HOST}:${listenPort}`, port: listenPort, output: () => output, stop }
}
