import { stripVTControlCharacters } from 'node:util'
import type { DiagnoseContext } from '../src/diagnose/diagnose.js'
import type { Cause, FallbackState, Finding } from '../src/diagnose/finding-types.js'
import { lostHopHeaders, vouchedUpstream } from '../src/diagnose/queries.js'
import type {
  ClientReport,
  Evidence,
  PageReport,
  ProxyKind,
  RequestSnapshot,
  ServerEvent,
  SocketRecord,
} from '../src/evidence/evidence-types.js'
import { renderFinding } from '../src/render/finding.js'
import { renderTerminal } from '../src/render/terminal.js'
import type { ViteFacts } from '../src/vite/vite-facts.js'

/** A default Vite 8.3 dev server on 127.0.0.1:5173 with base '/'. */
export function viteFacts(overrides: Partial<ViteFacts> = {}): ViteFacts {
  return {
    viteVersion: '8.3.8',
    hmrConfigKey: 'ws',
    base: '/',
    hmrPath: '/',
    clientPath: '/@vite/client',
    hmr: {},
    listen: { host: '127.0.0.1', port: 5173 },
    allowedHosts: [],
    httpHostCheck: true,
    tokenCheck: true,
    issuesToken: true,
    directFallback: true,
    configOwner: null,
    middlewareMode: false,
    hmrServerPort: null,
    ...overrides,
  }
}

/**
 * The HMR handshake as a bare nginx `proxy_pass http://localhost:5173` forwards it: HTTP/1.0, `Connection: close`,
 * Host rewritten to the upstream, no Upgrade.
 */
export function request(overrides: Partial<RequestSnapshot> = {}): RequestSnapshot {
  return {
    at: 1000,
    method: 'GET',
    path: '/',
    hasToken: true,
    vouched: true,
    httpVersion: '1.0',
    host: 'localhost:5173',
    origin: 'http://localhost:8080',
    connection: 'close',
    upgrade: null,
    wsProtocol: 'vite-hmr',
    proxy: 'nginx',
    localPort: 5173,
    fetchSite: null,
    refererOrigin: null,
    ...overrides,
  }
}

export function stripped(at: number, overrides: Partial<RequestSnapshot> = {}): ServerEvent {
  return { kind: 'stripped-handshake', request: request({ at, ...overrides }) }
}

/** A socket Vite accepted: the browser's direct fallback to Vite's port, so HTTP/1.1 with an Upgrade. */
export function hmrSocket(at: number, overrides: Partial<RequestSnapshot> = {}): ServerEvent {
  return {
    kind: 'hmr-socket',
    request: request({
      at,
      httpVersion: '1.1',
      host: '127.0.0.1:5173',
      connection: 'Upgrade',
      upgrade: 'websocket',
      proxy: 'unknown',
      ...overrides,
    }),
  }
}

export function clientServed(at: number, overrides: Partial<RequestSnapshot> = {}): ServerEvent {
  return {
    kind: 'client-served',
    request: request({
      at,
      path: '/@vite/client',
      hasToken: false,
      vouched: false,
      httpVersion: '1.1',
      host: 'localhost:8080',
      origin: null,
      connection: 'keep-alive',
      wsProtocol: null,
      proxy: 'unknown',
      fetchSite: 'same-origin',
      refererOrigin: 'http://localhost:8080',
      ...overrides,
    }),
  }
}

export function socket(overrides: Partial<SocketRecord> = {}): SocketRecord {
  return {
    url: 'ws://localhost:8080/?token=…',
    opened: false,
    closeCode: 1006,
    openedAfterMs: null,
    closedAfterMs: 12,
    error: null,
    ...overrides,
  }
}

export function report(at: number, sockets: SocketRecord[], pageOrigin = 'http://localhost:8080'): ClientReport {
  return { at, pageOrigin, clientOrigin: pageOrigin, sockets, closes: [] }
}

export function evidence(
  now: number,
  events: ServerEvent[],
  reports: ClientReport[] = [],
  pages: PageReport[] = [],
): Evidence {
  return { now, events, reports, pages }
}

/** What the user reads in the terminal for one finding, colours off. */
export function terminal(finding: Finding, facts: ViteFacts = viteFacts(), keepaliveMs: number | null = null): string {
  return stripVTControlCharacters(renderTerminal(renderFinding(finding, facts, { keepaliveMs })))
}

export const context: DiagnoseContext = { facts: viteFacts(), socketGraceMs: 3000, serverStartedAt: 0 }

/** A handshake that reached Vite as a real upgrade (a proxy that forwards it right, or the browser itself). */
export function handshakeRequest(at: number, overrides: Partial<RequestSnapshot> = {}): RequestSnapshot {
  return request({
    at,
    httpVersion: '1.1',
    connection: 'Upgrade',
    upgrade: 'websocket',
    proxy: 'unknown',
    ...overrides,
  })
}

export function handshake(at: number, overrides: Partial<RequestSnapshot> = {}): ServerEvent {
  return { kind: 'handshake', request: handshakeRequest(at, overrides) }
}

/** A page navigation: no Origin, no token, no subprotocol. */
export function pageRequest(at: number, overrides: Partial<RequestSnapshot> = {}): RequestSnapshot {
  return request({
    at,
    hasToken: false,
    vouched: false,
    httpVersion: '1.1',
    origin: null,
    connection: 'keep-alive',
    wsProtocol: null,
    proxy: 'unknown',
    ...overrides,
  })
}

export function page(
  kind: 'host-blocked' | 'outside-base',
  at: number,
  overrides: Partial<RequestSnapshot> = {},
): ServerEvent {
  return { kind, request: pageRequest(at, overrides) }
}

export function causes(findings: Finding[]): Cause[] {
  return findings.map((finding) => finding.cause)
}

export const failedProxied = socket()

export const failedDirect = socket({ url: 'ws://localhost:5173/?token=…', closedAfterMs: 3 })

export const openedDirect = socket({
  url: 'ws://localhost:5173/?token=…',
  opened: true,
  closeCode: null,
  openedAfterMs: 8,
  closedAfterMs: null,
})

/** Still connecting when the page reported it, a second after it dialled. */
export const hanging = socket({ closeCode: null, closedAfterMs: null, hangingAfterMs: 1000 })

export function upgradeStripped(
  options: {
    fallback?: FallbackState
    proxy?: ProxyKind
    handshake?: Partial<RequestSnapshot>
    hmrServer?: boolean
  } = {},
): Finding {
  const handshake = request({ proxy: options.proxy ?? 'nginx', ...options.handshake })
  // As the rule makes it from this handshake: it carried the token, so its Host and Origin are vouched for.
  return {
    cause: 'upgrade-stripped',
    proxy: handshake.proxy,
    handshake,
    lost: lostHopHeaders(handshake),
    hmrServer: options.hmrServer ?? false,
    pageOrigin: handshake.origin,
    fallback: options.fallback ?? 'unknown',
    upstream: vouchedUpstream(handshake),
    pageHostname: handshake.origin === null ? null : new URL(handshake.origin).hostname,
  }
}

export const NEVER_ARRIVED: Extract<Finding, { cause: 'socket-never-arrived' }> = {
  cause: 'socket-never-arrived',
  pageOrigin: 'https://app.test',
  socketUrl: 'wss://app.test/?token=…',
  fallback: 'fails',
}
