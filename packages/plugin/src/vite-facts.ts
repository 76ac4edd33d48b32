import type { AddressInfo } from 'node:net'
import { posix } from 'node:path'
import type { ResolvedConfig } from 'vite'

/** The HMR socket settings of the user's config, whichever key (`server.hmr` or `server.ws`) holds them. */
export interface HmrSettings {
  port?: number
  clientPort?: number
  host?: string
  protocol?: string
  path?: string
}

/** What the doctor needs to know about the running Vite server: plain data, so diagnosis stays pure. */
export interface ViteFacts {
  viteVersion: string
  /** Vite 8.1 moved the socket options from `server.hmr` to `server.ws`; printed fixes use the key it wants. */
  hmrConfigKey: 'hmr' | 'ws'
  base: string
  /** The pathname the socket must arrive at: `base` joined with `hmr.path`. */
  hmrPath: string
  clientPath: string
  hmr: HmrSettings
  /** Where the HTTP server actually listens (the asked port may have been taken). */
  listen: { host: string; port: number } | null
  allowedHosts: true | readonly string[]
  /** Vite skips its HTTP host check (not the WebSocket one) when it serves https itself. */
  httpHostCheck: boolean
  /** Whether Vite refuses a handshake that carries an Origin but no token (`legacy.skipWebSocketTokenCheck`). */
  tokenCheck: boolean
}

export function hmrConfigKeyFor(viteVersion: string): 'hmr' | 'ws' {
  const [major = 0, minor = 0] = viteVersion.split('.').map((part) => Number.parseInt(part, 10))
  return major > 8 || (major === 8 && minor >= 1) ? 'ws' : 'hmr'
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

export function readHmrSettings(server: ResolvedConfig['server']): HmrSettings {
  // Vite ≥ 8.1 resolves the options under `ws` (keeping `hmr` as an alias); older versions only know `hmr`.
  const raw: unknown = isRecord((server as { ws?: unknown }).ws) ? (server as { ws?: unknown }).ws : server.hmr
  if (!isRecord(raw)) return {}
  const settings: HmrSettings = {}
  if (typeof raw.port === 'number') settings.port = raw.port
  if (typeof raw.clientPort === 'number') settings.clientPort = raw.clientPort
  if (typeof raw.host === 'string') settings.host = raw.host
  if (typeof raw.protocol === 'string') settings.protocol = raw.protocol
  if (typeof raw.path === 'string') settings.path = raw.path
  return settings
}

function listenAddress(address: AddressInfo | string | null | undefined): ViteFacts['listen'] {
  if (!address || typeof address === 'string') return null
  const wildcard = address.address === '::' || address.address === '0.0.0.0'
  const host = wildcard ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address
  return { host, port: address.port }
}

export function readViteFacts(
  config: ResolvedConfig,
  viteVersion: string,
  address: AddressInfo | string | null | undefined,
): ViteFacts {
  const hmr = readHmrSettings(config.server)
  const base = config.base.endsWith('/') ? config.base : `${config.base}/`
  return {
    viteVersion,
    hmrConfigKey: hmrConfigKeyFor(viteVersion),
    base,
    hmrPath: hmr.path ? posix.join(base, hmr.path) : base,
    clientPath: `${base}@vite/client`,
    hmr,
    listen: listenAddress(address),
    // Before Vite 5.4.12 / 6.0.9 there is no host check (and no option). Vite 5.4.12+ leaves the option
    // undefined when unset and still checks (`allowedHosts ?? []`); the HMR token arrived with the check.
    allowedHosts:
      config.server.allowedHosts === true
        ? true
        : config.server.allowedHosts === undefined
          ? typeof (config as { webSocketToken?: unknown }).webSocketToken === 'string'
            ? []
            : true
          : [...config.server.allowedHosts],
    httpHostCheck: !config.server.https,
    tokenCheck: (config as { legacy?: { skipWebSocketTokenCheck?: boolean } }).legacy?.skipWebSocketTokenCheck !== true,
  }
}
