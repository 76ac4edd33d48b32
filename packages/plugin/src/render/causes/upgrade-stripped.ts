import type { Finding } from '../../diagnose/types.js'
import type { ProxyKind, RequestSnapshot } from '../../evidence/types.js'
import type { ViteFacts } from '../../vite-facts.js'
import { apacheUpgradeFix } from '../apache.js'
import { fallbackNote, PROXY_NAMES, upstreamFor } from '../common.js'
import { nginxUpgradeFix } from '../nginx.js'
import type { ConfigBlock, RenderedFinding } from '../types.js'
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

/** The proxy lines that carry the upgrade to Vite, for the proxies whose lines have an end-to-end test. */
function proxyFix(
  proxy: ProxyKind,
  facts: ViteFacts,
  upstream: string,
): { blocks: ConfigBlock[]; notes: string[]; reload: string } | null {
  if (proxy === 'nginx' || proxy === 'unknown') {
    const blocks = nginxUpgradeFix(facts.hmrPath, upstream)
    return blocks && { blocks, notes: [], reload: 'reload nginx: nginx -s reload' }
  }
  if (proxy === 'apache') {
    const block = apacheUpgradeFix(facts.base, upstream)
    return (
      block && {
        blocks: [block],
        notes: ['upgrade=websocket needs Apache 2.4.47 or later (older ones: mod_proxy_wstunnel).'],
        reload: 'reload Apache: apachectl graceful',
      }
    )
  }
  return null
}

export function renderUpgradeStripped(finding: UpgradeStripped, facts: ViteFacts): RenderedFinding {
  const name = PROXY_NAMES[finding.proxy]
  const upstream = upstreamFor(finding.upstream, facts, finding.handshake.localPort)
  const fix = upstream === null ? null : proxyFix(finding.proxy, facts, upstream)
  return {
    summary: finding.hmrServer
      ? `${name} drops the WebSocket upgrade: the HMR handshake reaches Vite's socket server (port ${finding.handshake.localPort}) as a plain request, and it answers 426 Upgrade Required.`
      : `${name} drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.`,
    evidence: describeHandshake(finding.handshake, finding.pageOrigin),
    notes: [
      ...fallbackNote(finding.fallback, facts),
      ...lostNote(finding, name),
      ...(fix ? fix.notes : [`Make ${name} forward the Upgrade and Connection headers to Vite for ${facts.hmrPath}.`]),
    ],
    proxy: fix?.blocks ?? [],
    vite: finding.pageHostname ? allowedHostsFix(finding.pageHostname, facts) : null,
    afterwards: fix ? `Then ${fix.reload}` : null,
  }
}
