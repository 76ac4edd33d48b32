import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { foreground } from 'hmr-doctor-playground/kit'
import { checkConfig } from './config-check.js'

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
LoadModule rewrite_module modules/mod_rewrite.so
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
  const server = foreground({
    name: 'apache',
    command: APACHE,
    args: ['-f', file, '-DFOREGROUND'],
    listen,
    diagnostics: () => {
      try {
        return readFileSync(join(dir, 'error.log'), 'utf8')
      } catch {
        return ''
      }
    },
  })
  const launch = (current: ApacheSite): Promise<void> => {
    writeFileSync(file, apacheConfig(current, dir))
    return server.launch()
  }

  await launch(site)
  return {
    async restart(next) {
      await server.halt()
      await launch(next)
    },
    async stop() {
      await server.halt()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Apache's own config check (`apache2 -t`) of the config `site` makes. */
export function checkApacheConfig(site: ApacheSite): Promise<string> {
  return checkConfig({
    command: APACHE,
    file: 'httpd.conf',
    text: (dir) => apacheConfig(site, dir),
    args: (file) => ['-t', '-f', file],
  })
}
