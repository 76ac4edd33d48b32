import type { Rule } from '../finding-types.js'
import { failedSocketReports, handshakesSeen } from '../queries.js'

/**
 * A page under this Vite's base, served through another Vite (its origin's `/@vite/client` is that Vite's),
 * whose socket hangs though its URL reaches this Vite over plain HTTP and no handshake from it ever did: the
 * front Vite's `server.proxy` entry has no `ws: true`, and its own HMR listener leaves the upgrade alone.
 */
export const viteProxyUnrelayed: Rule = (evidence, { facts }) => {
  if (facts.base === '/') return null
  const report = failedSocketReports(evidence).at(-1)
  const hanging = report?.sockets.find((socket) => socket.hangingAfterMs !== undefined && !socket.ping)
  if (!report || hanging?.hangingAfterMs === undefined) return null
  if (hanging.hop?.kind !== 'vite-page' || hanging.hop.viteAtRoot !== true) return null
  if (handshakesSeen(evidence, facts).some((request) => request.origin === report.pageOrigin)) return null
  return {
    cause: 'vite-proxy-unrelayed',
    pageOrigin: report.pageOrigin,
    socketUrl: hanging.url,
    hangingAfterMs: hanging.hangingAfterMs,
    prefix: facts.base.slice(0, -1),
  }
}
