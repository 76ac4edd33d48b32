import { eventsOf, failedSocketReports, fallbackFromReports, handshakesSeen } from '../queries.js'
import type { Rule } from '../types.js'

/** The generic finding: the browser dialled (or should have) and nothing at all reached Vite. */
export const socketNeverArrived: Rule = (evidence, { socketGraceMs }) => {
  const reached = handshakesSeen(evidence)
  const report = failedSocketReports(evidence).at(-1)
  if (report) {
    const failed = report.sockets.find((socket) => !socket.opened)
    const viteSawIt = reached.some((request) => request.origin === report.pageOrigin && !(request.at > report.at))
    const fallback = fallbackFromReports([report])
    if (!viteSawIt || fallback === 'works') {
      return { cause: 'socket-never-arrived', pageOrigin: report.pageOrigin, socketUrl: failed?.url ?? null, fallback }
    }
  }
  const orphan = eventsOf(evidence, 'client-served').find(
    (served) => evidence.now - served.at >= socketGraceMs && !reached.some((request) => request.at >= served.at),
  )
  if (!orphan) return null
  const scheme = orphan.forwardedProto ?? 'http'
  const host = orphan.forwardedHost ?? orphan.host
  return {
    cause: 'socket-never-arrived',
    pageOrigin: host ? `${scheme}://${host}` : null,
    socketUrl: null,
    fallback: 'unknown',
  }
}
