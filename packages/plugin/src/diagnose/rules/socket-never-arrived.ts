import type { ClientReport, ProxyKind, RequestSnapshot, SocketRecord } from '../../evidence/evidence-types.js'
import { parseUrl } from '../../safe/parse-url.js'
import { timing } from '../../shared/timing.js'
import type { Rule } from '../finding-types.js'
import { eventsOf, fallbackFromReports, handshakesSeen, lacksHopAnswer, latestFailure } from '../queries.js'

/**
 * A load of the client by a page of the same origin: a cross-site load, or one whose Referer names another
 * host, says nothing about a page of this setup.
 */
function sameOriginLoad(load: RequestSnapshot): boolean {
  if (load.fetchSite !== null) return load.fetchSite === 'same-origin'
  return load.origin === null && load.refererOrigin !== null && parseUrl(load.refererOrigin)?.host === load.host
}

const HTTP_OF: Record<string, string> = { 'ws:': 'http:', 'wss:': 'https:' }

/**
 * The proxy that held a failed socket unanswered: the one the report came through, when the socket dialled
 * the very origin the report was posted to (one listener is one proxy).
 */
function holdingProxy(report: ClientReport, failed: SocketRecord | undefined): ProxyKind | null {
  if (!report.proxy || !failed || failed.hop?.kind !== 'timeout') return null
  const socket = parseUrl(failed.url)
  const client = parseUrl(report.clientOrigin)
  if (!socket || !client) return null
  return HTTP_OF[socket.protocol] === client.protocol && socket.host === client.host ? report.proxy : null
}

/** The generic finding: the browser dialled (or should have) and nothing at all reached Vite. */
export const socketNeverArrived: Rule = (evidence, { facts, socketGraceMs }) => {
  const reached = handshakesSeen(evidence, facts)
  const report = latestFailure(evidence)
  if (report) {
    const failed = report.sockets.find((socket) => !socket.opened)
    // A held handshake may still arrive on a busy machine: any arrival counts, and the verdict waits a little.
    const hanging = failed?.hangingAfterMs !== undefined
    const viteSawIt = reached.some(
      (request) => request.origin === report.pageOrigin && (hanging || !(request.at > report.at)),
    )
    const fallback = fallbackFromReports([report])
    if (!viteSawIt || fallback === 'works') {
      const proxy = holdingProxy(report, failed)
      // A report without its probe's answer (the page left first) waits for the next page's, which may name the hop.
      const settleUntil = Math.max(
        hanging ? report.at + timing.reportCapMs : 0,
        lacksHopAnswer(report) ? report.at + socketGraceMs : 0,
      )
      return {
        cause: 'socket-never-arrived',
        pageOrigin: report.pageOrigin,
        socketUrl: failed?.url ?? null,
        fallback,
        ...(proxy && { proxy }),
        ...(evidence.now < settleUntil && { pendingUntil: settleUntil }),
        ...(failed && { failed }),
      }
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
