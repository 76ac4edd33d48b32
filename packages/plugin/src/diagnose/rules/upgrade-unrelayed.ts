import type { ServerEvent, SocketRecord } from '../../evidence/evidence-types.js'
import { cutSockets } from '../cut-sockets.js'
import type { Finding, Rule } from '../finding-types.js'
import { failedSocketReports } from '../queries.js'

/**
 * The page's socket still connecting while Vite answered its handshake 101: a hop forwarded the upgrade as a
 * plain request and dropped the answer. Only token-carrying handshakes count: anyone can forge one.
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
  const [cut] = cutSockets(evidence, counts)
  if (!cut)
    return hanging.viteOpened && hanging.hop?.kind === 'vite-page'
      ? fromOutside(report.pageOrigin, hanging, hanging.hangingAfterMs)
      : null
  return {
    cause: 'upgrade-unrelayed',
    pageOrigin: report.pageOrigin,
    socketUrl: hanging.url,
    hangingAfterMs: hanging.hangingAfterMs,
    handshake: cut.accepted?.request ?? cut.closed.request,
    cutAfterMs: cut.closed.openForMs,
    nodeClient: cut.accepted?.nodeClient === true,
  }
}

/**
 * The CLI's proof, from outside: the hop routes the socket's URL to Vite over plain HTTP, its handshake hangs
 * there, and Vite dialled straight opens it. Only Express's own mark says the hop is a Node proxy.
 */
function fromOutside(pageOrigin: string, hanging: SocketRecord, hangingAfterMs: number): Finding {
  return {
    cause: 'upgrade-unrelayed',
    pageOrigin,
    socketUrl: hanging.url,
    hangingAfterMs,
    handshake: null,
    cutAfterMs: null,
    nodeClient: hanging.hop?.poweredBy === 'Express',
    dialledAtVite: true,
  }
}
