import type { Finding } from '../../diagnose/types.js'
import type { ViteFacts } from '../../vite-facts.js'
import { afterwards } from '../afterwards.js'
import { routeAppSocketsBlock } from '../node-proxies.js'
import type { RenderedFinding } from '../types.js'

type UpgradeContested = Extract<Finding, { cause: 'upgrade-contested' }>

export function renderUpgradeContested(finding: UpgradeContested, facts: ViteFacts): RenderedFinding {
  const { handshake } = finding
  const listeners =
    finding.otherListeners === 1 ? 'another upgrade listener' : `${finding.otherListeners} other upgrade listeners`
  const who = finding.wsServer
    ? "Your app's WebSocket server (new WebSocketServer({ server }) from ws)"
    : "Another upgrade listener on the server Vite's socket shares"
  const block = finding.wsServer ? routeAppSocketsBlock(facts.hmrConfigKey) : null
  return {
    summary: `${who} answers Vite's HMR handshake too: the connection breaks right after Vite's 101.`,
    evidence: `Vite answered the handshake ${handshake.method} ${handshake.path}${handshake.origin ? ` from the page at ${handshake.origin}` : ''} with 101 on a server with ${listeners} besides Vite's${finding.cutAfterMs === null ? '' : `, and the connection was cut ${finding.cutAfterMs} ms later`}`,
    notes: [
      ...(finding.wsServer
        ? [
            'A WebSocketServer given { server } answers every upgrade on that server, or refuses it with 400 (a path it does not serve), on the connection Vite already answered.',
          ]
        : []),
      block
        ? "Route the upgrades yourself: the app takes every upgrade but Vite's (its handshake and its ping, told by the Sec-WebSocket-Protocol only Vite's client sends). Keep any path check your server had in that listener."
        : `Make that listener leave upgrades whose Sec-WebSocket-Protocol is vite-hmr or vite-ping to Vite, or give Vite's socket a port of its own (server.${facts.hmrConfigKey}.port instead of server.${facts.hmrConfigKey}.server).`,
    ],
    proxy: block ? [block] : [],
    vite: null,
    afterwards: block ? afterwards({ script: true }, facts) : null,
  }
}
