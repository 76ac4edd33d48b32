import type { Rule } from '../finding-types.js'
import { eventsOf, failedSocketReports, proxyOf } from '../queries.js'

/**
 * The page reports its socket still connecting, and a handshake from that page reached Vite's server as an
 * upgrade without Vite's subprotocol, which Vite's listener leaves unanswered. Only a handshake that carried
 * this server's token counts (where Vite issues one): it is the page's own, whatever a hop did to it.
 */
export const subprotocolStripped: Rule = (evidence, { facts }) => {
  const report = failedSocketReports(evidence).findLast((candidate) =>
    candidate.sockets.some((socket) => socket.hangingAfterMs !== undefined),
  )
  const hanging = report?.sockets.find((socket) => socket.hangingAfterMs !== undefined)
  if (!report || hanging?.hangingAfterMs === undefined) return null
  const handshake = eventsOf(evidence, 'upgrade-ignored').findLast(
    (request) =>
      request.origin === report.pageOrigin &&
      request.at <= report.at &&
      (facts.issuesToken ? request.vouched : request.path === facts.hmrPath),
  )
  if (!handshake) return null
  return {
    cause: 'subprotocol-stripped',
    proxy: proxyOf(handshake, evidence),
    pageOrigin: report.pageOrigin,
    socketUrl: hanging.url,
    hangingAfterMs: hanging.hangingAfterMs,
    handshake,
  }
}
