import type { RequestSnapshot } from '../../evidence/types.js'
import { parseUrl } from '../../parse-url.js'
import { eventsOf, failedSocketReports, fallbackFromReports, handshakesSeen } from '../queries.js'
import type { Rule } from '../types.js'

/**
 * A load of the client by a page of the same origin. A cross-site page's load (its Origin, its
 * `Sec-Fetch-Site`), or one whose Referer names another host than the request reached, says nothing about
 * a page of this setup. Without Sec-Fetch headers (plain http under a name) a same-origin module load
 * carries no Origin.
 */
function sameOriginLoad(load: RequestSnapshot): boolean {
  if (load.fetchSite !== null) return load.fetchSite === 'same-origin'
  return load.origin === null && load.refererOrigin !== null && parseUrl(load.refererOrigin)?.host === load.host
}

/** The generic finding: the browser dialled (or should have) and nothing at all reached Vite. */
export const socketNeverArrived: Rule = (evidence, { facts, socketGraceMs }) => {
  const reached = handshakesSeen(evidence, facts)
  const report = failedSocketReports(evidence).at(-1)
  if (report) {
    const failed = report.sockets.find((socket) => !socket.opened)
    const viteSawIt = reached.some((request) => request.origin === report.pageOrigin && !(request.at > report.at))
    const fallback = fallbackFromReports([report])
    if (!viteSawIt || fallback === 'works') {
      return { cause: 'socket-never-arrived', pageOrigin: report.pageOrigin, socketUrl: failed?.url ?? null, fallback }
    }
  }
  // The browser's report is the fast path; this is the server's own view for a page that can't report.
  const orphan = eventsOf(evidence, 'client-served').find(
    (served) => sameOriginLoad(served) && !reached.some((request) => request.at >= served.at),
  )
  if (!orphan) return null
  return {
    cause: 'socket-never-arrived',
    pageOrigin: orphan.refererOrigin,
    socketUrl: null,
    fallback: 'unknown',
    ...(evidence.now < orphan.at + socketGraceMs ? { pendingUntil: orphan.at + socketGraceMs } : {}),
  }
}
