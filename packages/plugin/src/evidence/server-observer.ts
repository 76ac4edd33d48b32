import type { IncomingMessage } from 'node:http'
import type { ViteDevServer } from 'vite'
import { snapshotRequest } from './request-snapshot.js'
import type { ServerEvent } from './types.js'

/** What a request is judged against; kept out of the request path so judging stays cheap. */
export interface RequestScope {
  clientPath: string
  base: string
  /** Whether Vite's HTTP host check lets this Host through (true when the check is off). */
  hostAllowed: (host: string | undefined) => boolean
}

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

/**
 * Classifies one request cheaply (it runs on every request): a WebSocket key without an `Upgrade` header
 * is a handshake a proxy flattened; a script load of the client is a page that should open a socket soon;
 * a page load is checked against what Vite itself will refuse or redirect.
 */
export function classifyRequest(req: IncomingMessage, scope: RequestScope, at: number): ServerEvent | null {
  const dest = fetchDestination(req)
  if (req.headers['sec-websocket-key'] !== undefined && req.headers.upgrade === undefined) {
    return { kind: 'stripped-handshake', request: snapshotRequest(req, at) }
  }
  if (dest === 'script' && isPath(req.url, scope.clientPath)) {
    return { kind: 'client-served', request: snapshotRequest(req, at) }
  }
  if (dest === 'document') {
    if (!scope.hostAllowed(req.headers.host)) return { kind: 'host-blocked', request: snapshotRequest(req, at) }
    // Vite redirects only these into base (other paths get a 404); behind a prefix-stripping proxy, forever.
    if (scope.base !== '/' && (isPath(req.url, '/') || isPath(req.url, '/index.html'))) {
      return { kind: 'outside-base', request: snapshotRequest(req, at) }
    }
  }
  return null
}

/**
 * Watches what reaches Vite without changing how Vite routes it: a first `request` listener; an `upgrade`
 * listener only beside Vite's own (where there is none, adding one would make Node hold plain requests that
 * Vite answers today); and Vite's socket `connection` event.
 */
export function observeServer(server: ViteDevServer, scope: RequestScope, onEvent: (event: ServerEvent) => void): void {
  const onRequest = (req: IncomingMessage): void => {
    const event = classifyRequest(req, scope, Date.now())
    if (event) onEvent(event)
  }
  const httpServer = server.httpServer
  if (httpServer) {
    httpServer.prependListener('request', onRequest)
    if (httpServer.listenerCount('upgrade') > 0) {
      httpServer.prependListener('upgrade', (req: IncomingMessage) => {
        if (req.headers['sec-websocket-protocol'] === 'vite-hmr') {
          onEvent({ kind: 'handshake', request: snapshotRequest(req, Date.now()) })
        }
      })
    }
  } else {
    server.middlewares.use((req, _res, next) => {
      onRequest(req)
      next()
    })
  }
  server.ws.on('connection', (socket, req) => {
    const request = snapshotRequest(req, Date.now())
    onEvent({ kind: 'hmr-socket', request })
    socket.once('close', (code: number) => {
      const at = Date.now()
      onEvent({ kind: 'hmr-socket-closed', request: { ...request, at }, openForMs: at - request.at, code })
    })
  })
}
