import { parseUrl } from '../safe/parse-url.js'
import { sameSecret } from '../safe/same-secret.js'
import { cleanText } from '../safe/sanitize.js'
import type { RequestSnapshot } from './evidence-types.js'
import { fingerprintProxy, header } from './proxy-kind.js'

export { fingerprintProxy } from './proxy-kind.js'

/** The parts of `http.IncomingMessage` the doctor reads, so snapshots can be tested without a server. */
export interface RequestLike {
  method?: string | undefined
  url?: string | undefined
  httpVersion: string
  headers: Record<string, string | string[] | undefined>
  rawHeaders: string[]
  socket?: { localPort?: number | undefined } | undefined
}

function originOf(url: string | null): string | null {
  const origin = parseUrl(url)?.origin
  return origin === undefined || origin === 'null' ? null : origin
}

/** Whether `given` is this server's HMR token, compared in constant time. */
function isToken(given: string | null, token: string | undefined): boolean {
  return given !== null && token !== undefined && sameSecret(given, token)
}

/**
 * What the doctor keeps of a request. `token` is the HMR token this Vite bakes into the client it serves
 * (undefined before Vite 5.4.12 / 6.0.9): a request that carries it came from a page that loaded this
 * server's client, so its values may go into a printed fix. Any other request is unauthenticated.
 */
export function snapshotRequest(request: RequestLike, at: number, token: string | undefined): RequestSnapshot {
  const url = request.url ?? '/'
  const queryStart = url.indexOf('?')
  const path = queryStart === -1 ? url : url.slice(0, queryStart)
  const query = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1))
  return {
    at,
    method: cleanText(request.method ?? 'GET', 16),
    path: cleanText(path),
    hasToken: query.has('token'),
    vouched: isToken(query.get('token'), token),
    httpVersion: cleanText(request.httpVersion, 8),
    host: header(request, 'host'),
    origin: header(request, 'origin'),
    connection: header(request, 'connection'),
    upgrade: header(request, 'upgrade'),
    wsProtocol: header(request, 'sec-websocket-protocol'),
    proxy: fingerprintProxy(request),
    localPort: request.socket?.localPort ?? null,
    fetchSite: header(request, 'sec-fetch-site'),
    refererOrigin: originOf(header(request, 'referer')),
  }
}
