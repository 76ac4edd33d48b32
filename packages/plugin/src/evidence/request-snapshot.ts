import { parseUrl } from '../parse-url.js'
import { cleanText } from '../sanitize.js'
import type { ProxyKind, RequestSnapshot } from './types.js'

/** The parts of `http.IncomingMessage` the doctor reads, so snapshots can be tested without a server. */
export interface RequestLike {
  method?: string | undefined
  url?: string | undefined
  httpVersion: string
  headers: Record<string, string | string[] | undefined>
  rawHeaders: string[]
  socket?: { localPort?: number | undefined } | undefined
}

function header(request: RequestLike, name: string): string | null {
  const value = request.headers[name]
  const first = Array.isArray(value) ? value[0] : value
  return first === undefined ? null : cleanText(first)
}

function originOf(url: string | null): string | null {
  const origin = parseUrl(url)?.origin
  return origin === undefined || origin === 'null' ? null : origin
}

function rawHeaderNames(request: RequestLike): string[] {
  return request.rawHeaders.filter((_, index) => index % 2 === 0)
}

/**
 * Guesses which proxy forwarded a request from the marks each leaves on it (measured, see FIELD-NOTES):
 * nginx speaks HTTP/1.0 with `Connection: close`; Apache adds `X-Forwarded-Server`; HAProxy lowercases
 * every header name; Caddy writes Go-canonical names such as `Sec-Websocket-Key`.
 */
export function fingerprintProxy(request: RequestLike): ProxyKind {
  const names = rawHeaderNames(request)
  if (request.httpVersion === '1.0' && header(request, 'connection')?.toLowerCase() === 'close') return 'nginx'
  if (names.some((name) => name.toLowerCase() === 'x-forwarded-server')) return 'apache'
  if (names.includes('Sec-Websocket-Key') || names.includes('Sec-Websocket-Version')) return 'caddy'
  if (names.length > 0 && names.every((name) => name === name.toLowerCase()) && names.includes('sec-websocket-key')) {
    return 'haproxy'
  }
  return 'unknown'
}

export function snapshotRequest(request: RequestLike, at: number): RequestSnapshot {
  const url = request.url ?? '/'
  const queryStart = url.indexOf('?')
  const path = queryStart === -1 ? url : url.slice(0, queryStart)
  const query = queryStart === -1 ? '' : url.slice(queryStart + 1)
  return {
    at,
    method: cleanText(request.method ?? 'GET', 16),
    path: cleanText(path),
    hasToken: new URLSearchParams(query).has('token'),
    httpVersion: cleanText(request.httpVersion, 8),
    host: header(request, 'host'),
    origin: header(request, 'origin'),
    connection: header(request, 'connection'),
    upgrade: header(request, 'upgrade'),
    wsProtocol: header(request, 'sec-websocket-protocol'),
    forwardedProto: header(request, 'x-forwarded-proto'),
    forwardedHost: header(request, 'x-forwarded-host'),
    proxy: fingerprintProxy(request),
    localPort: request.socket?.localPort ?? null,
    fetchSite: header(request, 'sec-fetch-site'),
    refererOrigin: originOf(header(request, 'referer')),
  }
}
