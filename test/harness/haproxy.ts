import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { waitFor } from './wait.js'

export const HAPROXY = process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy'

/** The parts of an HAProxy setup the tests vary; everything else is a minimal HTTP proxy. */
export interface HaproxySite {
  /** `host:port` HAProxy binds. */
  listen: string
  /** `host:port` of Vite. */
  upstream: string
  /** Lines of the `defaults` section beside `mode http` (timeouts, typically). */
  defaults: string
}

export function haproxyConfig(site: HaproxySite): string {
  const indent = (text: string) =>
    text
      .split('\n')
      .map((line) => `    ${line}`)
      .join('\n')
  return `global
    maxconn 256

defaults
    mode http
${indent(site.defaults)}

frontend site
    bind ${site.listen}
    default_backend vite

backend vite
    server vite ${site.upstream}
`
}

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

export interface RunningHaproxy {
  restart(config: string): Promise<void>
  stop(): Promise<void>
}

/** HAProxy in the foreground (`-db`) from `config` in a temp dir; waits until it accepts connections. */
export async function startHaproxy(config: string, listen: { host: string; port: number }): Promise<RunningHaproxy> {
  const dir = mkdtempSync(join(tmpdir(), 'hmr-doctor-haproxy-'))
  const file = join(dir, 'haproxy.cfg')
  let child: ChildProcess | undefined
  let output = ''

  const launch = async (text: string): Promise<void> => {
    writeFileSync(file, text)
    const proc = spawn(HAPROXY, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] })
    child = proc
    proc.stdout?.on('data', (chunk) => (output += chunk))
    proc.stderr?.on('data', (chunk) => (output += chunk))
    await waitFor(`haproxy on ${listen.host}:${listen.port}`, async () => {
      if (proc.exitCode !== null) throw new Error(`haproxy exited: ${output}`)
      return portOpen(listen.host, listen.port)
    })
  }

  const halt = async (): Promise<void> => {
    const proc = child
    child = undefined
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
    const exited = new Promise((resolve) => proc.once('exit', resolve))
    proc.kill('SIGTERM')
    await exited
  }

  await launch(config)
  return {
    async restart(text) {
      await halt()
      await launch(text)
    },
    async stop() {
      await halt()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
