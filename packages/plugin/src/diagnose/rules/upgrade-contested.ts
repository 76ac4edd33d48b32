import type { ServerEvent } from '../../evidence/types.js'
import { type Accepted, cutSockets } from '../cut-sockets.js'
import type { Rule } from '../types.js'

/**
 * Vite answered a page's handshake 101 on a server where another `upgrade` listener answers it too. The
 * `ws` package's `WebSocketServer({ server })` answers (or refuses with 400) every upgrade on its server,
 * so its presence is the cause at once; any other listener only once the connection was cut right after.
 * Only handshakes that carried this server's token count, where Vite issues one.
 */
export const upgradeContested: Rule = (evidence, { facts }) => {
  const counts = (event: ServerEvent) => !facts.issuesToken || event.request.vouched
  const wsServer = evidence.events.findLast(
    (event): event is Accepted => event.kind === 'hmr-socket' && counts(event) && event.appWebSocketServer === true,
  )
  const cut = wsServer ? undefined : cutSockets(evidence, counts).find((c) => c.accepted?.otherUpgradeListeners)
  const accepted = wsServer ?? cut?.accepted
  if (!accepted?.otherUpgradeListeners) return null
  return {
    cause: 'upgrade-contested',
    handshake: accepted.request,
    cutAfterMs: cut ? cut.closed.openForMs : null,
    otherListeners: accepted.otherUpgradeListeners,
    wsServer: wsServer !== undefined,
  }
}
