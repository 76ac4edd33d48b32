import type { Finding } from '../../diagnose/finding-types.js'
import { PING_PROTOCOL } from '../../shared/protocol.js'
import type { ViteFacts } from '../../vite/vite-facts.js'
import { afterwards } from '../afterwards.js'
import { relayUpgradeBlocks, UPGRADE_SUBSCRIPTION_NOTE } from '../node-proxies.js'
import { HANGING_NOTE } from '../notes.js'
import type { RenderedFinding } from '../rendered-types.js'
import { upstreamFor } from '../upstream.js'

const PING_NOTE =
  "Vite's client reloads the page only once that ping opens: until you reload it by hand, this page gets no updates."

type UpgradeUnrelayed = Extract<Finding, { cause: 'upgrade-unrelayed' }>

export function renderUpgradeUnrelayed(finding: UpgradeUnrelayed, facts: ViteFacts): RenderedFinding {
  const { handshake } = finding
  const upstream = upstreamFor(null, facts, handshake?.localPort ?? null)
  const blocks = finding.nodeClient && upstream !== null ? relayUpgradeBlocks(`http://${upstream}`, facts.hmrPath) : []
  const hop = finding.nodeClient ? 'The Node proxy in front of Vite' : 'The hop in front of Vite'
  // From outside, only Express's mark says the hop takes the handshake for a plain request.
  const summary =
    handshake === null && !finding.nodeClient
      ? `${hop} carries the HMR socket's URL to Vite over plain HTTP but not its handshake: the page's socket hangs.`
      : `${hop} forwards the HMR handshake as a plain request and never relays Vite's answer: the page's socket hangs.`
  return {
    summary,
    evidence: seen(finding, upstream),
    notes: [
      finding.ping ? PING_NOTE : HANGING_NOTE,
      ...(blocks.length > 0
        ? [
            "That is what http-proxy's web pass does with an upgrade: http-proxy-middleware without ws: true, or http-proxy / http-proxy-3 with proxy.web(…) alone. Paste the lines for the library your server uses.",
            UPGRADE_SUBSCRIPTION_NOTE,
          ]
        : [
            `Make that hop proxy WebSocket upgrades for ${facts.hmrPath} to Vite${upstream === null ? '' : ` (${upstream})`}: pass the upgrade on and relay the 101 and the socket both ways.`,
          ]),
    ],
    proxy: blocks,
    vite: null,
    afterwards: blocks.length > 0 ? afterwards({ script: true }, facts) : null,
  }
}

function seen(finding: UpgradeUnrelayed, upstream: string | null): string {
  const { handshake } = finding
  const dialled = `the page at ${finding.pageOrigin} dialled ${finding.socketUrl}`
  if (handshake === null) {
    const express = finding.nodeClient ? ' through a server that says X-Powered-By: Express' : ''
    const vite = upstream === null ? 'Vite' : `Vite (${upstream})`
    return `${dialled}: no answer in ${finding.hangingAfterMs} ms; asked over plain HTTP, that URL answered with Vite's page${express}; dialled straight at ${vite}, the same handshake opened`
  }
  const how = finding.nodeClient ? ", its header names in lowercase as Node's HTTP client sends them" : ''
  if (finding.ping) {
    return `the page at ${finding.pageOrigin} lost its HMR socket, and the ${PING_PROTOCOL} socket Vite's client then dials before it reloads (${finding.socketUrl}) was still connecting ${finding.hangingAfterMs} ms after it was created; Vite answered a ${PING_PROTOCOL} handshake from that page (${handshake.method} ${handshake.path}${how}) with 101, and the connection was cut ${finding.cutAfterMs} ms later, so the page never reloads`
  }
  return `${dialled}, still connecting ${finding.hangingAfterMs} ms after it was created; Vite answered its handshake (${handshake.method} ${handshake.path}${how}) with 101, and the connection was cut ${finding.cutAfterMs} ms later`
}
