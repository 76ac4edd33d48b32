import type { PolicyRefusal, SeenSocket } from '../shared/protocol.js'

const MAX_REFUSALS = 4
const MAX_POLICY = 600

/**
 * Chromium reports a refusal and leaves the socket connecting: that is its failure. The event may come
 * before the socket is on the watcher's list, so each new socket is checked against refusals seen too.
 */
export function markRefused(refusals: readonly PolicyRefusal[], socket: SeenSocket): boolean {
  if (socket.openedAt !== undefined || socket.refused) return false
  const origin = new URL(socket.url).origin
  if (!refusals.some((refusal) => new URL(refusal.blockedUri).origin === origin)) return false
  socket.refused = true
  return true
}

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
    for (const socket of sockets) markRefused(refusals, socket)
    onRefusal()
  })
}
