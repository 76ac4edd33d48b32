import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { foreground } from 'hmr-doctor-playground/kit'
import { checkConfig } from './config-check.js'

export const CADDY = process.env.CADDY_BIN ?? '/usr/bin/caddy'

/**
 * Caddy's plain `reverse_proxy`, the way its docs write it for a dev server, on `listen` (`host:port`).
 * No admin endpoint and no automatic HTTPS, so parallel runs share no port and need no certificate.
 */
export function caddyConfig(listen: string, upstream: string): string {
  return caddyfile(listen, `reverse_proxy ${upstream}`)
}

/**
 * A Caddyfile with one site on `listen` whose block holds `site`. The site's address alone makes Caddy
 * listen on every interface; `bind` keeps it to the test's loopback address, where its port was found free.
 */
export function caddyfile(listen: string, site: string): string {
  const host = listen.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1')
  const body = `bind ${host}\n${site}`
    .split('\n')
    .map((line) => (line ? `    ${line}` : line))
    .join('\n')
  return `{
    admin off
    auto_https off
}

http://${listen} {
${body}
}
`
}

export interface RunningCaddy {
  restart(config: string): Promise<void>
  stop(): Promise<void>
}

/** Caddy's own check (`caddy validate`) of a Caddyfile. */
export function validateCaddy(config: string): Promise<string> {
  return checkConfig({
    command: CADDY,
    file: 'Caddyfile',
    text: () => config,
    args: (file) => ['validate', '--config', file, '--adapter', 'caddyfile'],
    env: (dir) => ({ XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir, HOME: dir }),
  })
}

/** Caddy in the foreground from a Caddyfile in a temp dir (its data dir too); waits for its port. */
export async function startCaddy(config: string, listen: { host: string; port: number }): Promise<RunningCaddy> {
  const dir = mkdtempSync(join(tmpdir(), 'hmr-doctor-caddy-'))
  const file = join(dir, 'Caddyfile')
  const server = foreground({
    name: 'caddy',
    command: CADDY,
    args: ['run', '--config', file, '--adapter', 'caddyfile'],
    listen,
    env: { XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir, HOME: dir },
  })
  const launch = (text: string): Promise<void> => {
    writeFileSync(file, text)
    return server.launch()
  }

  await launch(config)
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
