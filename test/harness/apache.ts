import { type ChildProcess, spawn } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { waitFor } from './wait.js'

export const APACHE = process.env.APACHE_BIN ?? '/usr/sbin/apache2'

/** An Apache reverse proxy: `listen` (`host:port`) and the lines of its one `<VirtualHost>`. */
export interface ApacheSite {
  listen: string
  virtualHost: string
}

/** A self-contained httpd.conf: only the modules a reverse proxy needs, every file in `dir`. */
export function apacheConfig(site: ApacheSite, dir: string): string {
  const runAs = process.getuid?.() === 0 ? 'User nobody\nGroup nogroup\n' : ''
  return `ServerRoot "/usr/lib/apache2"
LoadModule mpm_event_module modules/mod_mpm_event.so
LoadModule authz_core_module modules/mod_authz_core.so
LoadModule proxy_module modules/mod_proxy.so
LoadModule proxy_http_module modules/mod_proxy_http.so
ServerName localhost
Listen ${site.listen}
PidFile ${dir}/httpd.pid
DefaultRuntimeDir ${dir}
Mutex file:${dir}
ErrorLog ${dir}/error.log
LogLevel warn
${runAs}
<VirtualHost ${site.listen}>
${site.virtualHost
  .split('\n')
  .map((line) => `    ${line}`)
  .join('\n')}
</VirtualHost>
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

export interface RunningApache {
  restart(site: ApacheSite): Promise<void>
  stop(): Promise<void>
}

/** Apache in the foreground from a generated config in a temp dir; waits until it accepts connections. */
export async function startApache(site: ApacheSite, listen: { host: string; port: number }): Promise<RunningApache> {
  const dir = mkdtempSync(join(tmpdir(), 'hmr-doctor-apache-'))
  // Workers drop root to `nobody`, which must still reach the runtime files.
  chmodSync(dir, 0o777)
  const file = join(dir, 'httpd.conf')
  let child: ChildProcess | undefined
  let output = ''

  const errorLog = () => {
    try {
      return readFileSync(join(dir, 'error.log'), 'utf8')
    } catch {
      return ''
    }
  }

  const launch = async (current: ApacheSite): Promise<void> => {
    writeFileSync(file, apacheConfig(current, dir))
    const proc = spawn(APACHE, ['-f', file, '-DFOREGROUND'], { stdio: ['ignore', 'pipe', 'pipe'] })
    child = proc
    proc.stdout?.on('data', (chunk) => (output += chunk))
    proc.stderr?.on('data', (chunk) => (output += chunk))
    await waitFor(`apache on ${listen.host}:${listen.port}`, async () => {
      if (proc.exitCode !== null) throw new Error(`apache exited: ${output}\n${errorLog()}`)
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

  await launch(site)
  return {
    async restart(next) {
      await halt()
      await launch(next)
    },
    async stop() {
      await halt()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
