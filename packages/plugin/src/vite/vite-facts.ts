import type { AddressInfo } from 'node:net'
import { posix } from 'node:path'
import type { ResolvedConfig } from 'vite'
import { isRecord } from '../safe/is-record.js'
import { MIDDLEWARE_HMR_PORT } from '../shared/constants.js'
import { type ConfigOwner, configOwner } from './frameworks.js'

/** The HMR socket settings of the user's config, whichever key (`server.hmr` or `server.ws`) holds them. */
export interface HmrSettings {
  port?: number
  clientPort?: number
  host?: string
  protocol?: string
  path?: string
  /** The user gave Vite an HTTP server to attach the socket to (`hmr.server` / `ws.server`). */
  server?: boolean
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
  /** Whether this Vite bakes an HMR token into its client (5.4.12 / 6.0.9 on): what vouches for a page. */
  issuesToken: boolean
  /**
   * Whether Vite's client retries straight at Vite after a first failed socket: only when the socket's port
   * is inferred (no `clientPort`/`port`, and not middleware mode's own HMR port).
   */
  directFallback: boolean
  /** The framework whose own config holds Vite's options (Nuxt's `nuxt.config`), or null for vite.config. */
  configOwner: ConfigOwner | null
  /** Vite runs inside the user's own server (`server.middlewareMode`): it has no HTTP server of its own. */
  middlewareMode: boolean
  /**
   * The port of the HTTP server Vite runs for the socket alone (a separate `port`, or middleware mode's
   * 24678), which answers any plain request `426 Upgrade Required`; null when the socket shares a server.
   */
  hmrServerPort: number | null
  /** `server.hmr: false`: no hot updates, though Vite's client still dials the socket (full reloads use it). */
  hmrDisabled?: boolean
}

export function hmrConfigKeyFor(viteVersion: string): 'hmr' | 'ws' {
  const [major = 0, minor = 0] = viteVersion.split('.').map((part) => Number.parseInt(part, 10))
  return major > 8 || (major === 8 && minor >= 1) ? 'ws' : 'hmr'
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
  if (raw.server !== undefined && raw.server !== null) settings.server = true
  return settings
}

function listenAddress(address: AddressInfo | string | null | undefined): ViteFacts['listen'] {
  if (!address || typeof address === 'string') return null
  const wildcard = address.address === '::' || address.address === '0.0.0.0'
  const host = wildcard ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address
  return { host, port: address.port }
}

/** As Vite's `ws.ts` decides: its own server unless the user gave one or the port is the dev server's. */
function hmrServerPort(config: ResolvedConfig, hmr: HmrSettings): number | null {
  if (hmr.server) return null
  if (config.server.middlewareMode) return hmr.port ?? MIDDLEWARE_HMR_PORT
  return hmr.port !== undefined && hmr.port !== config.server.port ? hmr.port : null
}

export function readViteFacts(
  config: ResolvedConfig,
  viteVersion: string,
  address: AddressInfo | string | null | undefined,
): ViteFacts {
  const hmr = readHmrSettings(config.server)
  const base = config.base.endsWith('/') ? config.base : `${config.base}/`
  const issuesToken = typeof (config as { webSocketToken?: unknown }).webSocketToken === 'string'
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
          ? issuesToken
            ? []
            : true
          : [...config.server.allowedHosts],
    httpHostCheck: !config.server.https,
    tokenCheck: (config as { legacy?: { skipWebSocketTokenCheck?: boolean } }).legacy?.skipWebSocketTokenCheck !== true,
    issuesToken,
    directFallback:
      hmr.clientPort === undefined &&
      hmr.port === undefined &&
      !(config.server.middlewareMode && hmr.server === undefined),
    configOwner: configOwner(config.plugins ?? []),
    middlewareMode: Boolean(config.server.middlewareMode),
    hmrServerPort: hmrServerPort(config, hmr),
    ...((config.server as { hmr?: unknown }).hmr === false && { hmrDisabled: true }),
  }
}
