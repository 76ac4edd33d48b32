import { eventsOf, fallbackFromReports } from '../queries.js'
import type { Rule } from '../types.js'

/** A handshake that reached Vite as a plain request: the proxy dropped `Upgrade`/`Connection`. */
export const upgradeStripped: Rule = (evidence) => {
  const handshake = eventsOf(evidence, 'stripped-handshake')
    .filter((request) => request.wsProtocol === 'vite-hmr')
    .at(-1)
  if (!handshake) return null
  const directSocket = eventsOf(evidence, 'hmr-socket').some(
    (socket) => socket.at >= handshake.at && socket.origin !== null && socket.origin === handshake.origin,
  )
  const reported = fallbackFromReports(evidence.reports)
  return {
    cause: 'upgrade-stripped',
    proxy: handshake.proxy,
    handshake,
    pageOrigin: handshake.origin ?? evidence.reports.at(-1)?.pageOrigin ?? null,
    fallback: directSocket ? 'works' : reported,
  }
}
