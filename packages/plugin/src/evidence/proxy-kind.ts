import { cleanText } from '../safe/sanitize.js'
import type { ProxyKind } from './evidence-types.js'

/** The parts of a request the fingerprint reads: names as sent (`rawHeaders`), values by lowercase name. */
export interface HeadersLike {
  httpVersion: string
  headers: Record<string, string | string[] | undefined>
  rawHeaders: string[]
}

/** A header's first value, cleaned for printing, or null. */
export function header(request: Pick<HeadersLike, 'headers'>, name: string): string | null {
  const value = request.headers[name]
  const first = Array.isArray(value) ? value[0] : value
  return first === undefined ? null : cleanText(first)
}

function rawHeaderNames(request: HeadersLike): string[] {
  return request.rawHeaders.filter((_, index) => index % 2 === 0)
}

/** Go's `CanonicalMIMEHeaderKey`: every dash-separated part capitalised, the rest lowercase. */
function isGoCanonical(name: string): boolean {
  return name.split('-').every((part) => /^[A-Z0-9][a-z0-9]*$/.test(part))
}

/**
 * Hosted hops that mark every request they forward. Their settings can't be run here, so a finding names
 * them and prints only what Vite's side can do.
 */
const HOSTED_MARKS: ReadonlyArray<{ kind: ProxyKind; seen: (request: HeadersLike) => boolean }> = [
  {
    kind: 'cloudflare',
    seen: (request) =>
      header(request, 'cf-ray') !== null ||
      header(request, 'cf-connecting-ip') !== null ||
      /\bcloudflare\b/i.test(header(request, 'cdn-loop') ?? ''),
  },
  { kind: 'aws-alb', seen: (request) => header(request, 'x-amzn-trace-id') !== null },
  {
    kind: 'google-lb',
    seen: (request) =>
      /\bgoogle\b/i.test(header(request, 'via') ?? '') || header(request, 'x-cloud-trace-context') !== null,
  },
  {
    kind: 'azure-front-door',
    seen: (request) => header(request, 'x-azure-ref') !== null || header(request, 'x-azure-fdid') !== null,
  },
]

/**
 * nginx writes the headers it sets (its `proxy_set_header` lines in their spelling, then `Host` and its own
 * `Connection`) before the client's: a `Host` after capitalised names is nginx's. Clients send `Host` first,
 * or last after lowercase names (Node). A handshake downgraded to HTTP/1.0, or one saying
 * `Connection: close`, was rewritten by nginx's defaults: no browser sends either.
 */
function nginxMarks(request: HeadersLike, names: readonly string[]): boolean {
  const connection = header(request, 'connection')?.toLowerCase()
  const handshake = header(request, 'sec-websocket-key') !== null
  if (request.httpVersion === '1.0' && (connection === 'close' || handshake)) return true
  if (handshake && connection === 'close') return true
  const host = names.indexOf('Host')
  return host > 0 && names.slice(0, host).some((name) => name !== name.toLowerCase())
}

/** A handshake whose `Connection: Upgrade` became `keep-alive`: no browser and no HAProxy rule sends that. */
function handshakeKeptAlive(request: HeadersLike): boolean {
  return header(request, 'sec-websocket-key') !== null && header(request, 'connection')?.toLowerCase() === 'keep-alive'
}

/**
 * Which proxy forwarded a request, from the marks each leaves (header case and order, added headers, HTTP
 * version). Hosted hops come after the proxies: the hop nearest Vite is the one whose settings matter.
 */
export function fingerprintProxy(request: HeadersLike): ProxyKind {
  const names = rawHeaderNames(request)
  const has = (name: string) => names.some((candidate) => candidate.toLowerCase() === name)
  // Lowercase names alone could be any HTTP library's; a handshake's or a browser's own headers (which a
  // browser sends capitalised over HTTP/1.1) lowercased on the way are HAProxy's doing.
  const browserOrHandshake = names.includes('sec-websocket-key') || names.includes('sec-fetch-site')
  if (names.length > 0 && names.every((name) => name === name.toLowerCase()) && browserOrHandshake) {
    // undici (a Node proxy such as @fastify/http-proxy) writes its own keep-alive over the handshake's.
    return handshakeKeptAlive(request) ? 'node' : 'haproxy'
  }
  if (names.includes('X-Real-Ip') && has('x-forwarded-server')) return 'traefik'
  if (has('x-forwarded-server')) return 'apache'
  const goHop = names.length > 0 && names.every(isGoCanonical)
  if (goHop && names.includes('X-Forwarded-Host')) return 'caddy'
  if (!goHop && nginxMarks(request, names)) return 'nginx'
  const hosted = HOSTED_MARKS.find((mark) => mark.seen(request))
  if (hosted) return hosted.kind
  if (names.includes('Sec-Websocket-Key') || names.includes('Sec-Websocket-Version')) return 'caddy'
  return 'unknown'
}

/** The hops whose own answers say who they are in `Server` (HAProxy's say nothing). */
export function proxyFromServerHeader(server: string | null): ProxyKind {
  if (server === null) return 'unknown'
  if (/^nginx\b/i.test(server)) return 'nginx'
  if (/^apache\b/i.test(server)) return 'apache'
  if (/^caddy\b/i.test(server)) return 'caddy'
  if (/^cloudflare\b/i.test(server)) return 'cloudflare'
  return 'unknown'
}
