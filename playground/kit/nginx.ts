import { execFile } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { foreground } from './foreground.js'

export const NGINX = process.env.NGINX_BIN ?? '/usr/sbin/nginx'

/** The parts of an nginx site the tests vary; the rest is a fixed, self-contained shell. */
export interface NginxSite {
  /** `host:port` nginx listens on. */
  listen: string
  /** `host:port` of Vite, as the user would write it in `proxy_pass`. */
  upstream: string
  /** Lines inside `http {}`. */
  http?: string
  /** Lines inside `server {}`, before the catch-all `location /`. */
  server?: string
  /** Lines inside the catch-all `location /`, after `proxy_pass`. */
  location?: string
  /** The proxied location's path, `/` unless set. */
  locationPath?: string
  /** The proxied location's whole body, replacing `proxy_pass http://<upstream>;` and `location`. */
  locationBody?: string
}

function indent(text: string | undefined, by: string): string {
  return (text ?? '')
    .split('\n')
    .map((line) => (line.trim() ? by + line : ''))
    .join('\n')
}

/** A self-contained nginx.conf around `http` (the body of `http {}`), every path relative to nginx's prefix. */
export function nginxShell(http: string): string {
  return `daemon off;
worker_processes 1;
pid nginx.pid;
error_log error.log info;
events { worker_connections 256; }
http {
    access_log access.log;
    client_body_temp_path tmp/client;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
${indent(http, '    ')}
}
`
}

/** The whole nginx.conf for `site`. */
export function nginxConfig(site: NginxSite): string {
  return nginxShell(`${site.http ?? ''}
server {
    listen ${site.listen};
${indent(site.server, '    ')}
    location ${site.locationPath ?? '/'} {
${indent(site.locationBody ?? `proxy_pass http://${site.upstream};\n${site.location ?? ''}`, '        ')}
    }
}`)
}

/**
 * A `conf.d` file written for Docker (`listen 80`, upstream `vite:5173`) pointed at this machine's
 * addresses instead, so it runs here unchanged otherwise.
 */
export function localizeDockerConf(conf: string, local: { listen: string; upstream: string }): string {
  return conf.replace(/listen 80;/g, `listen ${local.listen};`).replace(/vite:5173/g, local.upstream)
}

export interface RunningNginx {
  dir: string
  config: string
  /** Replaces the config and restarts nginx on the same address. */
  restart(config: string): Promise<void>
  errorLog(): string
  stop(): Promise<void>
}

/** `nginx -t` on a config text; resolves with nginx's output, rejects when the config is invalid. */
export async function testNginxConfig(config: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'hmr-doctor-nginx-t-'))
  try {
    mkdirSync(join(dir, 'tmp'), { recursive: true })
    writeFileSync(join(dir, 'nginx.conf'), config)
    const { stderr } = await promisify(execFile)(NGINX, ['-t', '-p', `${dir}/`, '-c', 'nginx.conf', '-e', 'error.log'])
    return stderr
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * The command that runs nginx with `args`; with `hosts` (name → address), in a private mount namespace whose
 * /etc/hosts maps them, so a `proxy_pass http://vite:…` resolves as in compose and nginx sends its real Host.
 */
function nginxCommand(
  dir: string,
  args: string[],
  hosts?: Record<string, string>,
): { command: string; args: string[] } {
  if (!hosts) return { command: NGINX, args }
  const file = join(dir, 'hosts')
  writeFileSync(
    file,
    Object.entries(hosts)
      .map(([name, address]) => `${address} ${name}\n`)
      .join(''),
  )
  return {
    command: 'unshare',
    args: [
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      'mount --bind "$0" /etc/hosts && exec "$@"',
      file,
      NGINX,
      ...args,
    ],
  }
}

/**
 * Starts nginx in the foreground from `config` in a fresh temp prefix; waits until it accepts connections.
 * `hosts` names upstreams for it alone (needs root, as the Docker demo does).
 */
export async function startNginx(
  config: string,
  listen: { host: string; port: number },
  options: { hosts?: Record<string, string> } = {},
): Promise<RunningNginx> {
  const dir = mkdtempSync(join(tmpdir(), 'hmr-doctor-nginx-'))
  mkdirSync(join(dir, 'tmp'), { recursive: true })
  // Workers drop root to `nobody`, which must still write proxy buffers.
  chmodSync(join(dir, 'tmp'), 0o777)
  let current = config
  const readErrorLog = (): string => {
    try {
      return readFileSync(join(dir, 'error.log'), 'utf8')
    } catch {
      return ''
    }
  }
  const server = foreground({
    name: 'nginx',
    ...nginxCommand(dir, ['-p', `${dir}/`, '-c', 'nginx.conf', '-e', 'error.log'], options.hosts),
    listen,
    diagnostics: readErrorLog,
  })
  const launch = (): Promise<void> => {
    writeFileSync(join(dir, 'nginx.conf'), current)
    return server.launch()
  }

  await launch()
  return {
    dir,
    get config() {
      return current
    },
    async restart(next) {
      await server.halt()
      current = next
      await launch()
    },
    errorLog: readErrorLog,
    async stop() {
      await server.halt()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
