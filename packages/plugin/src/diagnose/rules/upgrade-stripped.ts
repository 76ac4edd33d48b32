import { isConfigHost } from '../../safe/grammar.js'
import { parseUrl } from '../../safe/parse-url.js'
import { HMR_PROTOCOL } from '../../shared/protocol.js'
import { timing } from '../../shared/timing.js'
import { isPrivateName } from '../../vite/host-check.js'
import type { Rule } from '../finding-types.js'
import {
  eventsOf,
  fallbackFromReports,
  fromVouchedOrigin,
  lostHopHeaders,
  proxyOf,
  seenUpstreamOf,
  vouchedOrigins,
  vouchedUpstream,
} from '../queries.js'

/**
 * An HMR handshake that reached a `request` listener: something on the way flattened it into a plain
 * request, whichever of `Upgrade`/`Connection` it lost. With a Vite that issues tokens only a handshake
 * from a page that loaded this server's client counts: anyone else's is no evidence of this setup.
 */
export const upgradeStripped: Rule = (evidence, { facts }) => {
  const origins = vouchedOrigins(evidence)
  const handshake = eventsOf(evidence, 'stripped-handshake').findLast(
    (request) =>
      request.wsProtocol === HMR_PROTOCOL &&
      lostHopHeaders(request).length > 0 &&
      (!facts.issuesToken || fromVouchedOrigin(request, origins)),
  )
  if (!handshake) return null
  const directSocket = eventsOf(evidence, 'hmr-socket').some(
    (socket) => socket.at >= handshake.at && socket.origin !== null && socket.origin === handshake.origin,
  )
  const fallback = directSocket ? 'works' : fallbackFromReports(evidence.reports)
  const pageOrigin = handshake.origin ?? evidence.reports.at(-1)?.pageOrigin ?? null
  const pageHostname = pageOrigin !== null && origins.has(pageOrigin) ? (parseUrl(pageOrigin)?.hostname ?? null) : null
  const proxy = proxyOf(handshake, evidence)
  // A proxy the request doesn't name may be named by the page's report (what its socket URL answered).
  const reported = evidence.reports.some(
    (report) => report.pageOrigin === handshake.origin && report.at >= handshake.at,
  )
  const settling = (fallback === 'unknown' && facts.directFallback) || (proxy === 'unknown' && !reported)
  return {
    cause: 'upgrade-stripped',
    proxy,
    handshake,
    lost: lostHopHeaders(handshake),
    hmrServer: handshake.localPort !== null && handshake.localPort === facts.hmrServerPort,
    pageOrigin,
    fallback,
    upstream: vouchedUpstream(handshake),
    ...seenUpstreamOf(handshake),
    // The page's origin is the request's word (the token is in every page): allowed only if no public DNS serves it.
    pageHostname:
      pageHostname !== null && isConfigHost(pageHostname) && isPrivateName(pageHostname) ? pageHostname : null,
    // Where Vite's client will retry straight at Vite, its outcome changes what the message says.
    ...(settling ? { pendingUntil: handshake.at + timing.fallbackSettleMs } : {}),
  }
}
