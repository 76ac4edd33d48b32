import { proxyFromServerHeader } from '../../evidence/proxy-kind.js'
import { parseUrl } from '../../safe/parse-url.js'
import type { Rule } from '../finding-types.js'
import { fallbackFromReports, handshakesSeen, latestFailure } from '../queries.js'

/**
 * A failed socket whose URL, asked over plain HTTP, is answered with an error by something that isn't
 * Vite (not its page, not its socket server's 426), while no handshake from that page reached Vite: the
 * hop in front of Vite answered for it.
 */
export const proxyError: Rule = (evidence, { facts }) => {
  const report = latestFailure(evidence)
  const failed = report?.sockets.find((socket) => !socket.opened && socket.hop?.kind === 'other')
  const status = failed?.hop?.status
  if (!report || !failed?.hop || status === null || status === undefined || status < 400) return null
  // Vite's direct fallback dials base, not the socket's path when `hmr.path` is set: only a handshake at the
  // path the failed socket dialled says the hop let it through.
  const path = parseUrl(failed.url)?.pathname ?? facts.hmrPath
  const reached = handshakesSeen(evidence, facts).some(
    (request) => request.origin === report.pageOrigin && request.path === path && request.at <= report.at,
  )
  if (reached) return null
  return {
    cause: 'proxy-error',
    proxy: failed.hop.errorPage === 'haproxy' ? 'haproxy' : proxyFromServerHeader(failed.hop.server),
    status,
    server: failed.hop.server,
    socketUrl: failed.url,
    path,
    pageOrigin: report.pageOrigin,
    fallback: fallbackFromReports([report]),
    ...(failed.hop.errorPage === 'express' && { express: true as const }),
  }
}
