import diagnostics from 'node:diagnostics_channel'
import type { EventEmitter } from 'node:events'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { ViteDevServer } from 'vite'
import { type ErrorSink, guard } from '../safe/guard.js'
import { HMR_PROTOCOL, PING_PROTOCOL } from '../shared/protocol.js'
import type { ServerEvent } from './evidence-types.js'
import { snapshotRequest } from './request-snapshot.js'

/** What a request is judged against; kept out of the request path so judging stays cheap. */
export interface RequestScope {
  clientPath: string
  base: string
  /** Whether Vite's HTTP host check lets this Host through (true when the check is off). */
  hostAllowed: (host: string | undefined) => boolean
  /** The HMR token Vite bakes into its client, or undefined (before Vite 5.4.12 / 6.0.9). */
  token: string | undefined
  /** The port of Vite's own server for the socket (see `ViteFacts.hmrServerPort`), or null. */
  hmrServerPort: number | null
}

const REQUEST_START = 'http.server.request.start'

function isPath(url: string | undefined, path: string): boolean {
  return url?.startsWith(path) === true && (url.length === path.length || url[path.length] === '?')
}

/**
 * What the browser is loading. Chromium sends `Sec-Fetch-Dest` only to trustworthy origins (https, loopback),
 * so a plain-http page under a name such as `app.test` is read from `Accept` and the browser's User-Agent.
 */
function fetchDestination(req: IncomingMessage): string | undefined {
  const dest = req.headers['sec-fetch-dest']
  if (dest !== undefined) return dest
  if (!req.headers['user-agent']?.startsWith('Mozilla/')) return undefined
  return req.headers.accept?.startsWith('text/html') ? 'document' : 'script'
}

/** Classifies one request cheaply, as it runs on every request: a flattened handshake, a client load, a page. */
export function classifyRequest(req: IncomingMessage, scope: RequestScope, clock: () => number): ServerEvent | null {
  if (req.headers['sec-websocket-key'] !== undefined) {
    return { kind: 'stripped-handshake', request: snapshotRequest(req, clock(), scope.token) }
  }
  const dest = fetchDestination(req)
  if (dest === 'script' && isPath(req.url, scope.clientPath)) {
    return { kind: 'client-served', request: snapshotRequest(req, clock(), scope.token) }
  }
  if (dest === 'document') {
    if (!scope.hostAllowed(req.headers.host)) {
      return { kind: 'host-blocked', request: snapshotRequest(req, clock(), scope.token) }
    }
    // Vite redirects only these into base (other paths get a 404); behind a prefix-stripping proxy, forever.
    if (scope.base !== '/' && (isPath(req.url, '/') || isPath(req.url, '/index.html'))) {
      return { kind: 'outside-base', request: snapshotRequest(req, clock(), scope.token) }
    }
  }
  return null
}

/**
 * An upgrade on Vite's server as Vite's listener treats it: an HMR handshake it answers, Vite's restart
 * probe, or a WebSocket handshake without Vite's subprotocols, which it leaves alone (a hop that removed the
 * header leaves it hanging).
 */
export function classifyUpgrade(
  req: Pick<IncomingMessage, 'headers'>,
): 'handshake' | 'ping' | 'upgrade-ignored' | null {
  const protocol = req.headers['sec-websocket-protocol']
  if (protocol === HMR_PROTOCOL) return 'handshake'
  if (protocol === PING_PROTOCOL) return 'ping'
  if (req.headers['sec-websocket-key'] === undefined) return null
  return 'upgrade-ignored'
}

/** Browsers capitalise header names; Node's HTTP client sends a copied `req.headers` as it is, lowercase. */
export function sentByNode(req: Pick<IncomingMessage, 'rawHeaders'>): boolean {
  const names = req.rawHeaders.filter((_, index) => index % 2 === 0)
  return names.length > 0 && names.every((name) => name === name.toLowerCase())
}

/**
 * The `upgrade` listeners on the server a socket came in on besides Vite's own and the doctor's: an app's
 * `new WebSocketServer({ server })` answers Vite's handshake too, on the same connection.
 */
export function otherUpgradeListeners(req: Pick<IncomingMessage, 'socket'>, own: unknown): OtherListeners {
  const server = (req.socket as Socket & { server?: EventEmitter }).server
  if (!server || typeof server.listeners !== 'function') return { count: 0, ws: false }
  const listeners = server.listeners('upgrade').filter((listener) => listener !== own)
  return { count: listeners.length - 1, ws: listeners.some(isWsServerListener) }
}

export interface OtherListeners {
  count: number
  /** One of them is the `ws` package's `new WebSocketServer({ server })`, by its listener's own code. */
  ws: boolean
}

/** ws attaches `upgrade: (req, socket, head) => { this.handleUpgrade(req, socket, head, emitConnection) }`. */
function isWsServerListener(listener: unknown): boolean {
  return (
    typeof listener === 'function' &&
    listener.name === 'upgrade' &&
    /this\.handleUpgrade\(req, socket, head, emitConnection\)/.test(Function.prototype.toString.call(listener))
  )
}

/**
 * Watches what reaches Vite without changing how Vite routes it, and returns what stops watching. A bug in
 * here is logged, never thrown at Vite.
 */
export function observeServer(
  server: ViteDevServer,
  scope: RequestScope,
  onEvent: (event: ServerEvent) => void,
  errors: ErrorSink,
): () => void {
  // Written out rather than through guard(): it runs on every request, and guard's rest arguments allocate.
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      const event = classifyRequest(req, scope, Date.now)
      if (event?.kind === 'outside-base') whenRedirected(res, () => onEvent(event), errors)
      else if (event) onEvent(event)
    } catch (error) {
      errors('the request observer', error)
    }
  }
  let observing = true
  let unobserve = () => {}
  const upgradeObserver = guard(errors, 'the upgrade observer', (req: IncomingMessage, socket: Socket) => {
    const event = classifyUpgrade(req)
    if (event === 'ping') observePing(req, socket, scope, onEvent, errors)
    else if (event) onEvent({ kind: event, request: snapshotRequest(req, Date.now(), scope.token) })
  })
  const httpServer = server.httpServer
  if (httpServer) {
    // Around the entry of Vite's app, the cheapest place to see every request (docs/performance.md);
    // a restart gives the new server an app of its own, wrapped by its own doctor.
    const app = server.middlewares
    const handle = app.handle
    const observed: typeof handle = function (this: unknown, req, res, next) {
      if (observing) onRequest(req, res)
      return handle.call(this, req, res, next)
    }
    app.handle = observed
    // Unless something wrapped it since: then what that calls stays as it is, and this only stops observing.
    unobserve = () => {
      if (app.handle === observed) app.handle = handle
    }
    if (httpServer.listenerCount('upgrade') > 0) {
      httpServer.prependListener('upgrade', upgradeObserver)
    }
  } else {
    // Middleware mode: the framework's server holds Vite's first app, and a restart hands that app the new
    // server's middleware stack, so only a middleware goes on seeing requests after one.
    server.middlewares.use((req, res, next) => {
      if (observing) onRequest(req, res)
      next()
    })
  }
  const stopHmrServer = scope.hmrServerPort === null ? () => {} : observeHmrServer(scope, onEvent, errors)
  const stop = () => {
    observing = false
    stopHmrServer()
    unobserve()
  }
  server.ws.on(
    'connection',
    guard(errors, 'the socket observer', (socket, req: IncomingMessage) => {
      const request = snapshotRequest(req, Date.now(), scope.token)
      const others = otherUpgradeListeners(req, upgradeObserver)
      onEvent({
        kind: 'hmr-socket',
        request,
        ...(sentByNode(req) && { nodeClient: true as const }),
        ...(others.count > 0 && { otherUpgradeListeners: others.count }),
        ...(others.ws && { appWebSocketServer: true as const }),
      })
      socket.once(
        'close',
        guard(errors, 'the socket observer', (code: number) => {
          const at = Date.now()
          onEvent({ kind: 'hmr-socket-closed', request: { ...request, at }, openForMs: at - request.at, code })
        }),
      )
    }),
  )
  return stop
}

/**
 * Vite answers a ping 101 and closes it at once, without a `connection` event: whether it answered shows in
 * the bytes written by the time the connection ends.
 */
function observePing(
  req: IncomingMessage,
  socket: Socket,
  scope: RequestScope,
  onEvent: (event: ServerEvent) => void,
  errors: ErrorSink,
): void {
  const request = snapshotRequest(req, Date.now(), scope.token)
  const nodeClient = sentByNode(req)
  socket.once(
    'close',
    guard(errors, 'the upgrade observer', () => {
      if (socket.bytesWritten === 0) return
      const openForMs = Date.now() - request.at
      onEvent({ kind: 'ping-answered', request, openForMs, ...(nodeClient && { nodeClient: true as const }) })
    }),
  )
}

/**
 * Calls back once the answer went out as a redirect: only a redirect Vite actually sent is one a stripping
 * proxy can loop on (in middleware mode Vite passes such a page on to the framework, which serves it).
 */
function whenRedirected(res: ServerResponse, onRedirect: () => void, errors: ErrorSink): void {
  res.once(
    'finish',
    guard(errors, 'the request observer', () => {
      if (res.statusCode >= 300 && res.statusCode < 400) onRedirect()
    }),
  )
}

/**
 * Vite's private socket server answers a flattened handshake `426`: Node's diagnostics channel shows those
 * requests without a handle on that server and without changing how it answers.
 */
function observeHmrServer(scope: RequestScope, onEvent: (event: ServerEvent) => void, errors: ErrorSink): () => void {
  const onStart = guard(errors, 'the HMR server observer', (message: unknown) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket }
    if (socket.localPort !== scope.hmrServerPort || request.headers['sec-websocket-key'] === undefined) return
    onEvent({ kind: 'stripped-handshake', request: snapshotRequest(request, Date.now(), scope.token) })
  })
  diagnostics.subscribe(REQUEST_START, onStart)
  return () => diagnostics.unsubscribe(REQUEST_START, onStart)
}
