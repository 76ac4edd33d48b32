import type { Finding } from '../../diagnose/finding-types.js'
import type { ViteFacts } from '../../vite/vite-facts.js'
import { afterwards } from '../afterwards.js'
import { routeAppSocketsBlock } from '../node-proxies.js'
import type { RenderedFinding } from '../rendered-types.js'

type UpgradeContested = Extract<Finding, { cause: 'upgrade-contested' }>

export function renderUpgradeContested(finding: UpgradeContested, facts: ViteFacts): RenderedFinding {
  const { handshake } = finding
  const listeners =
    finding.otherListeners === 1 ? 'another upgrade listener' : `${finding.otherListeners} other upgrade listeners`
  const page = handshake.origin ? ` from the page at ${handshake.origin}` : ''
  return {
    summary:
      "Your app's WebSocket server (new WebSocketServer({ server }) from ws) answers Vite's HMR handshake too: the connection breaks right after Vite's 101.",
    evidence: `Vite answered the handshake ${handshake.method} ${handshake.path}${page} with 101 on a server with ${listeners} besides Vite's, one of them ws's WebSocketServer`,
    notes: [
      'A WebSocketServer given { server } answers every upgrade on that server, or refuses it with 400 (a path it does not serve), on the connection Vite already answered.',
      "Route the upgrades yourself: the app takes every upgrade but Vite's (its handshake and its ping, told by the Sec-WebSocket-Protocol only Vite's client sends). Keep any path check your server had in that listener.",
    ],
    proxy: [routeAppSocketsBlock(facts.hmrConfigKey)],
    vite: null,
    afterwards: afterwards({ script: true }, facts),
  }
}
