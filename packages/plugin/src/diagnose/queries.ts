import type { ClientReport, Evidence, ProxyKind, RequestSnapshot, ServerEvent } from '../evidence/evidence-types.js'
import { proxyFromServerHeader } from '../evidence/proxy-kind.js'
import { parseUpstream } from '../safe/grammar.js'
import { parseUrl } from '../safe/parse-url.js'
import { hostnameOf } from '../vite/host-check.js'
import type { ViteFacts } from '../vite/vite-facts.js'
import type { FallbackState, HopHeader } from './finding-types.js'

export function eventsOf(evidence: Evidence, kind: ServerEvent['kind']): RequestSnapshot[] {
  return evidence.events.filter((event) => event.kind === kind).map((event) => event.request)
}

export function failedSocketReports(evidence: Evidence): ClientReport[] {
  return evidence.reports.filter((report) => report.sockets.some((socket) => !socket.opened))
}

/** A socket the browser dialled that failed with no answer from its URL: the page left before its probe came back. */
export function lacksHopAnswer(report: ClientReport): boolean {
  return report.sockets.some((socket) => !socket.opened && socket.error === null && socket.hop === undefined)
}

/**
 * The report that tells the latest socket failure best: the latest, unless it lost its probe's answers to
 * the page leaving, where an earlier report of the same page and failed socket that has them tells more.
 */
export function latestFailure(evidence: Evidence): ClientReport | undefined {
  const reports = failedSocketReports(evidence)
  const last = reports.at(-1)
  if (!last || !lacksHopAnswer(last)) return last
  const failedUrl = (report: ClientReport) => report.sockets.find((socket) => !socket.opened)?.url
  const richer = reports.findLast(
    (report) =>
      !lacksHopAnswer(report) && report.pageOrigin === last.pageOrigin && failedUrl(report) === failedUrl(last),
  )
  return richer ?? last
}

/** Vite's client tries its direct fallback after a first failed socket: a second record tells how it went. */
export function fallbackFromReports(reports: readonly ClientReport[]): FallbackState {
  const last = reports.at(-1)
  if (!last || last.sockets.length < 2) return 'unknown'
  if (last.sockets.some((socket) => socket.opened)) return 'works'
  // A socket neither open nor closed when the report left is still dialling: not a failure yet.
  return last.sockets.some((socket) => socket.closeCode === null && socket.error === null) ? 'unknown' : 'fails'
}

/**
 * The proxy a request came through: its own marks, else what the page's probe or route announced. Only the
 * proxy's kind comes from a report, never a value in a fix.
 */
export function proxyOf(request: RequestSnapshot, evidence: Evidence): ProxyKind {
  if (request.proxy !== 'unknown') return request.proxy
  const reports = evidence.reports.filter((report) => report.pageOrigin === request.origin)
  const servers = reports.flatMap((report) => report.sockets.map((socket) => socket.hop?.server ?? null))
  const answered = proxyFromServerHeader(servers.findLast((server) => server !== null) ?? null)
  return answered !== 'unknown' ? answered : (reports.findLast((report) => report.announced)?.announced ?? 'unknown')
}

const ARRIVALS: ReadonlySet<ServerEvent['kind']> = new Set([
  'hmr-socket',
  'stripped-handshake',
  'handshake',
  'upgrade-ignored',
])

/**
 * Every sign that a handshake from a page of this server reached Vite, in any shape. With a Vite that
 * issues tokens, only handshakes that carried it: anyone can send one that looks like a page's.
 */
export function handshakesSeen(evidence: Evidence, facts: ViteFacts): RequestSnapshot[] {
  return evidence.events
    .filter((event) => ARRIVALS.has(event.kind))
    .map((event) => event.request)
    .filter((request) => !facts.issuesToken || request.vouched)
}

/**
 * The page origins something legitimate vouches for: a request that carried this server's HMR token, or a
 * report that carried the snippet's secret from that same origin. Only these may shape a printed fix.
 */
export function vouchedOrigins(evidence: Evidence): Set<string> {
  const origins = new Set<string>(evidence.reports.map((report) => report.pageOrigin))
  for (const event of evidence.events) {
    if (event.request.vouched && event.request.origin) origins.add(event.request.origin)
  }
  return origins
}

/** Whether a handshake's Origin is one a legitimate page vouches for. */
export function fromVouchedOrigin(request: RequestSnapshot, origins: ReadonlySet<string>): boolean {
  return request.vouched || (request.origin !== null && origins.has(request.origin))
}

/** The headers a browser's handshake carries that this one lacks: what a proxy on the way dropped. */
export function lostHopHeaders(request: RequestSnapshot): HopHeader[] {
  const lost: HopHeader[] = []
  if (!/(^|,)\s*websocket\s*($|,)/i.test(request.upgrade ?? '')) lost.push('Upgrade')
  if (!/(^|,)\s*upgrade\s*($|,)/i.test(request.connection ?? '')) lost.push('Connection')
  return lost
}

/**
 * The Host header as the proxy's upstream, when something beyond the request vouches for it: it carried
 * this server's token, names this machine (or the developer typed it) and carries the very port it arrived
 * on. The token alone is no proof: every page holds it. Otherwise null, and the fix names Vite's own address.
 */
export function vouchedUpstream(request: RequestSnapshot): string | null {
  if (!request.vouched || request.hostSource === undefined || !onArrivalPort(request)) return null
  return hostAsUpstream(request.host, parseUrl(request.origin)?.hostname)
}

/** A token-bearing Host that could name the upstream, but only the request says so: described, never printed. */
export function seenUpstreamOf(request: RequestSnapshot): { seenUpstream?: string } {
  if (!request.vouched || vouchedUpstream(request) !== null) return {}
  const seen = hostAsUpstream(request.host, parseUrl(request.origin)?.hostname)
  return seen === null ? {} : { seenUpstream: seen }
}

/** Whether the Host names the port the request arrived on (80 when it names none): the port Vite listens on. */
function onArrivalPort(request: RequestSnapshot): boolean {
  const port = /:(\d+)$/.exec(request.host ?? '')?.[1] ?? '80'
  return request.localPort !== null && Number(port) === request.localPort
}

/**
 * A vouched-for Host header as the proxy's upstream: one that fits an upstream's grammar and names another
 * host than the page's (a bare proxy_pass sends `$proxy_host`; the page's own name is the browser's Host).
 */
export function hostAsUpstream(host: string | null, pageHostname: string | undefined): string | null {
  if (host === null || parseUpstream(host) === null) return null
  return pageHostname !== undefined && pageHostname === hostnameOf(host) ? null : host
}
