import type { Accepted } from '../cut-sockets.js'
import type { Rule } from '../finding-types.js'

/**
 * Vite answered a page's handshake 101 where the `ws` package's `WebSocketServer({ server })` also answers
 * every upgrade on the same connection. Only token-carrying handshakes count, where Vite issues a token.
 */
export const upgradeContested: Rule = (evidence, { facts }) => {
  const accepted = evidence.events.findLast(
    (event): event is Accepted =>
      event.kind === 'hmr-socket' && (!facts.issuesToken || event.request.vouched) && event.appWebSocketServer === true,
  )
  if (!accepted?.otherUpgradeListeners) return null
  return { cause: 'upgrade-contested', handshake: accepted.request, otherListeners: accepted.otherUpgradeListeners }
}
