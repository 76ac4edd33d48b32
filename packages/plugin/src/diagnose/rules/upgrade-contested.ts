import type { Accepted } from '../cut-sockets.js'
import type { Rule } from '../finding-types.js'

/**
 * Vite answered a page's handshake 101 on a server where the `ws` package's `WebSocketServer({ server })`
 * listens too: it answers (or refuses with 400) every upgrade on its server, on the same connection. Only
 * that listener, recognised by its own code, is named: other listeners (Vite's own among them) may leave
 * Vite's handshake alone. Only handshakes that carried this server's token count, where Vite issues one.
 */
export const upgradeContested: Rule = (evidence, { facts }) => {
  const accepted = evidence.events.findLast(
    (event): event is Accepted =>
      event.kind === 'hmr-socket' && (!facts.issuesToken || event.request.vouched) && event.appWebSocketServer === true,
  )
  if (!accepted?.otherUpgradeListeners) return null
  return { cause: 'upgrade-contested', handshake: accepted.request, otherListeners: accepted.otherUpgradeListeners }
}
