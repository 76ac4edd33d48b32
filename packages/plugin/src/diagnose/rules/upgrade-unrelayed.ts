import type { ServerEvent } from '../../evidence/types.js'
import { timing } from '../../timing.js'
import { failedSocketReports } from '../queries.js'
import type { Rule } from '../types.js'

type Accepted = Extract<ServerEvent, { kind: 'hmr-socket' }>
type Closed = Extract<ServerEvent, { kind: 'hmr-socket-closed' }>

/** How a connection that never carried the 101 to the browser ends: cut, without a close frame. */
const CUT = 1006

/**
 * The page reports its socket still connecting, while Vite answered a handshake from that page 101 and the
 * connection was cut before the page could have called the socket hanging: a hop forwarded the upgrade as
 * a plain request and dropped the answer. Only handshakes that carried this server's token count, where
 * Vite issues one: anyone can send one that looks like a page's.
 */
export const upgradeUnrelayed: Rule = (evidence, { facts }) => {
  const report = failedSocketReports(evidence).findLast((candidate) =>
    candidate.sockets.some((socket) => socket.hangingAfterMs !== undefined),
  )
  const hanging = report?.sockets.find((socket) => socket.hangingAfterMs !== undefined)
  if (!report || hanging?.hangingAfterMs === undefined) return null
  const counts = (event: ServerEvent) =>
    event.request.origin === report.pageOrigin &&
    (!facts.issuesToken || event.request.vouched) &&
    event.request.at <= report.at
  const cut = evidence.events.findLast(
    (event): event is Closed =>
      event.kind === 'hmr-socket-closed' &&
      counts(event) &&
      event.code === CUT &&
      event.openForMs < timing.pendingSocketMs,
  )
  if (!cut) return null
  // The acceptance of the same connection: the close event carries its request, at the time it closed.
  const accepted = evidence.events.findLast(
    (event): event is Accepted =>
      event.kind === 'hmr-socket' && counts(event) && event.request.at === cut.request.at - cut.openForMs,
  )
  return {
    cause: 'upgrade-unrelayed',
    pageOrigin: report.pageOrigin,
    socketUrl: hanging.url,
    hangingAfterMs: hanging.hangingAfterMs,
    handshake: accepted?.request ?? cut.request,
    cutAfterMs: cut.openForMs,
    nodeClient: accepted?.nodeClient === true,
  }
}
