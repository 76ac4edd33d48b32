import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { foreground } from './foreground.js'

export const CADDY = process.env.CADDY_BIN ?? '/usr/bin/caddy'

/**
 * Caddy's plain `reverse_proxy`, the way its docs write it for a dev server, on `listen` (`host:port`).
 * No admin endpoint and no automatic HTTPS, so parallel runs share no port and need no certificate.
 */
export function caddyConfig(listen: string, upstream: string): string {
  return `{
    admin off
    auto_https off
}

http://${listen} {
    reverse_proxy ${upstream}
}
`
}

export interface RunningCaddy {
  stop(): Promise<void>
}

/** Caddy in the foreground from a Caddyfile in a temp dir (its data dir too); waits for its port. */
export async function startCaddy(config: string, listen: { host: string; port: number }): Promise<RunningCaddy> {
  const dir = mkdtempSync(join(tmpdir(), 'hmr-doctor-caddy-'))
  const file = join(dir, 'Caddyfile')
  writeFileSync(file, config)
  const server = foreground({
    name: 'caddy',
    command: CADDY,
    args: ['run', '--config', file, '--adapter', 'caddyfile'],
    listen,
    env: { XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir, HOME: dir },
  })
  await server.launch()
  return {
    async stop() {
      await server.halt()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
