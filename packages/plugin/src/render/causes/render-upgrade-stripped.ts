import type { Finding } from '../../diagnose/finding-types.js'
import type { RequestSnapshot } from '../../evidence/evidence-types.js'
import type { ViteFacts } from '../../vite/vite-facts.js'
import { afterwards } from '../afterwards.js'
import { undiciUpgradeFix } from '../node-proxies.js'
import { fallbackNote } from '../notes.js'
import { hostedNote, proxyName, proxyNameInline, syntaxFor } from '../proxies/syntaxes.js'
import type { RenderedFinding } from '../rendered-types.js'
import { upstreamFor } from '../upstream.js'
import { allowedHostsFix } from '../vite-config.js'

type UpgradeStripped = Extract<Finding, { cause: 'upgrade-stripped' }>

function describeHandshake(handshake: RequestSnapshot, pageOrigin: string | null): string {
  const connection = handshake.connection ? `Connection: ${handshake.connection}` : 'no Connection header'
  const upgrade = handshake.upgrade ? `Upgrade: ${handshake.upgrade}` : 'no Upgrade header'
  const page = pageOrigin ? `, from the page at ${pageOrigin}` : ''
  return `${handshake.method} ${handshake.path} HTTP/${handshake.httpVersion} with ${connection} and ${upgrade}${page}`
}

/** Which header went missing, when only one did: the fix restores both, the user should know which broke. */
function lostNote(finding: UpgradeStripped, name: string): string[] {
  if (finding.lost.length !== 1) return []
  return finding.lost[0] === 'Connection'
    ? [`${name} passes Upgrade on but not Connection: upgrade, so Vite sees no upgrade at all.`]
    : [`${name} passes Connection: upgrade on but not the Upgrade header, so Vite sees no upgrade at all.`]
}

export function renderUpgradeStripped(finding: UpgradeStripped, facts: ViteFacts): RenderedFinding {
  const name = proxyName(finding.proxy)
  const upstream = upstreamFor(finding.upstream, facts, finding.handshake.localPort)
  const syntax = syntaxFor(finding.proxy)
  const fix =
    upstream === null || syntax === null
      ? null
      : syntax.passUpgrade({ facts, upstream, lost: finding.lost, socketServer: finding.hmrServer })
  const node = finding.proxy === 'node' ? undiciUpgradeFix() : null
  // Only a fix that makes the proxy send the browser's Host needs Vite's host check to allow it.
  const vite = fix?.forwardsHost && finding.pageHostname ? allowedHostsFix(finding.pageHostname, facts) : null
  return {
    summary: finding.hmrServer
      ? `${name} drops the WebSocket upgrade: the HMR handshake reaches Vite's socket server (port ${finding.handshake.localPort}) as a plain request, and it answers 426 Upgrade Required.`
      : `${name} drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.`,
    evidence: describeHandshake(finding.handshake, finding.pageOrigin),
    notes: [
      ...fallbackNote(finding.fallback, facts),
      ...lostNote(finding, name),
      ...(fix
        ? fix.notes
        : [
            `Make ${proxyNameInline(finding.proxy)} pass the Upgrade and Connection headers on to Vite for ${facts.hmrPath} (HTTP/1.1 to Vite), and nothing in vite.config needs to change.`,
          ]),
      ...hostedNote(finding.proxy),
      ...(node?.notes ?? []),
    ],
    proxy: fix?.blocks ?? node?.blocks ?? [],
    vite,
    afterwards: node
      ? afterwards({ script: true }, facts)
      : afterwards({ proxy: fix ? syntax : null, vite: vite !== null }, facts),
  }
}
