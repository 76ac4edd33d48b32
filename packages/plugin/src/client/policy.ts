import type { PolicyRefusal, SeenSocket } from './protocol.js'

const MAX_REFUSALS = 4
const MAX_POLICY = 600

/**
 * Records the browser's own refusals of WebSocket URLs under the page's CSP: Chromium fails such a socket
 * like any other, and only this event says why. Listening costs nothing until a policy refuses something.
 */
export function watchPolicyRefusals(refusals: PolicyRefusal[], sockets: SeenSocket[], onRefusal: () => void): void {
  if (typeof document === 'undefined') return
  document.addEventListener('securitypolicyviolation', (event) => {
    if (!/^wss?:/i.test(event.blockedURI) || refusals.length >= MAX_REFUSALS) return
    refusals.push({
      directive: event.effectiveDirective,
      blockedUri: event.blockedURI,
      policy: event.originalPolicy.slice(0, MAX_POLICY),
    })
    // Chromium reports the refusal and leaves the socket connecting: this is its failure.
    const blocked = new URL(event.blockedURI).origin
    for (const socket of sockets) {
      if (socket.openedAt === undefined && new URL(socket.url).origin === blocked) socket.refused = true
    }
    onRefusal()
  })
}
