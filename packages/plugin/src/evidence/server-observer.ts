import type { IncomingMessage } from 'node:http'
import type { ViteDevServer } from 'vite'
import { snapshotRequest } from './request-snapshot.js'
import type { ServerEvent } from './types.js'

/**
 * Classifies one request cheaply (it runs on every request): a WebSocket key without an `Upgrade` header
 * is a handshake a proxy flattened; a script load of the client is a page that should open a socket soon.
 */
export function classifyRequest(req: IncomingMessage, clientPath: string, at: number): ServerEvent | null {
  if (req.headers['sec-websocket-key'] !== undefined && req.headers.upgrade === undefined) {
    return { kind: 'stripped-handshake', request: snapshotRequest(req, at) }
  }
  if (req.headers['sec-fetch-dest'] === 'script' && req.url?.startsWith(clientPath)) {
    return { kind: 'client-served', request: snapshotRequest(req, at) }
  }
  return null
}

/**
 * Watches what reaches Vite without changing how Vite routes it: a first `request` listener (never an
 * `upgrade` listener, which would make Node hold plain requests that Vite answers today) and Vite's own
 * socket `connection` event.
 */
export function observeServer(
  server: ViteDevServer,
  clientPath: () => string,
  onEvent: (event: ServerEvent) => void,
): void {
  const onRequest = (req: IncomingMessage): void => {
    const event = classifyRequest(req, clientPath(), Date.now())
    if (event) onEvent(event)
  }
  if (server.httpServer) {
    server.httpServer.prependListener('request', onRequest)
  } else {
    server.middlewares.use((req, _res, next) => {
      onRequest(req)
      next()
    })
  }
  server.ws.on('connection', (_socket, req) => {
    onEvent({ kind: 'hmr-socket', request: snapshotRequest(req, Date.now()) })
  })
}
