import type { Finding } from '../diagnose/types.js'
import type { ProxyKind, RequestSnapshot } from '../evidence/types.js'
import type { ViteFacts } from '../vite-facts.js'
import { apacheUpgradeFix } from './apache.js'
import { fallbackNote, originHostname, PROXY_NAMES, proxyUpstream, seconds, vitePort } from './common.js'
import { haproxyTunnelTimeoutFix } from './haproxy.js'
import { nginxIdleTimeoutFix, nginxUpgradeFix } from './nginx.js'
import { renderHostRejected, renderSocketMisdirected, renderUriRewritten } from './routing.js'
import type { ConfigBlock, RenderedFinding } from './types.js'
import { allowedHostsFix, pingIntervalFix } from './vite-config.js'

function describeHandshake(handshake: RequestSnapshot, pageOrigin: string | null): string {
  const connection = handshake.connection ? `Connection: ${handshake.connection}` : 'no Connection header'
  const page = pageOrigin ? `, from the page at ${pageOrigin}` : ''
  return `${handshake.method} ${handshake.path} HTTP/${handshake.httpVersion} with ${connection} and no Upgrade header${page}`
}

/** The proxy lines that carry the upgrade to Vite, for the proxies whose lines have an end-to-end test. */
function upgradeProxyFix(
  proxy: ProxyKind,
  facts: ViteFacts,
  upstream: string,
): { blocks: ConfigBlock[]; notes: string[]; reload: string } | null {
  if (proxy === 'nginx' || proxy === 'unknown') {
    return { blocks: nginxUpgradeFix(facts.hmrPath, upstream), notes: [], reload: 'reload nginx: nginx -s reload' }
  }
  if (proxy === 'apache') {
    return {
      blocks: [apacheUpgradeFix(facts.base, upstream)],
      notes: ['upgrade=websocket needs Apache 2.4.47 or later (older ones: mod_proxy_wstunnel).'],
      reload: 'reload Apache: apachectl graceful',
    }
  }
  return null
}

/** The proxy lines that keep an idle socket open, for the proxies whose lines have an end-to-end test. */
function idleProxyFix(proxy: ProxyKind): { block: ConfigBlock; reload: string } | null {
  if (proxy === 'nginx' || proxy === 'unknown')
    return { block: nginxIdleTimeoutFix(), reload: 'reload nginx (nginx -s reload)' }
  if (proxy === 'haproxy') return { block: haproxyTunnelTimeoutFix(), reload: 'reload HAProxy' }
  return null
}

function renderIdleTimeout(finding: Extract<Finding, { cause: 'idle-timeout' }>, facts: ViteFacts): RenderedFinding {
  const proxyFix = idleProxyFix(finding.proxy)
  const keepalive =
    finding.keepaliveMs === null
      ? []
      : [
          `Until then the doctor pings each HMR client every ${seconds(finding.keepaliveMs)} so pages stop reloading (option keepalive).`,
        ]
  return {
    summary: `The proxy closes the HMR socket after ${seconds(finding.idleMs)} idle, and Vite reloads the page every time.`,
    evidence: `closed after ${seconds(finding.idleMs)} idle, ${finding.closes} times in ${seconds(finding.spanMs)} (close code ${finding.code}), on the page at ${finding.pageOrigin}${finding.seenByVite > 0 ? `; Vite saw ${finding.seenByVite} of them drop too` : ''}`,
    notes: [
      `Raise the proxy's idle timeout (idle sockets then stay open longer), or make Vite's client ping more often than every ${seconds(finding.idleMs)} (one small frame per interval per open tab).`,
      ...keepalive,
    ],
    proxy: proxyFix ? [proxyFix.block] : [],
    vite: pingIntervalFix(finding.idleMs, facts, proxyFix !== null),
    afterwards: proxyFix
      ? `Then ${proxyFix.reload}, or restart Vite after the vite.config change.`
      : 'Then restart Vite.',
  }
}

export function renderFinding(finding: Finding, facts: ViteFacts): RenderedFinding {
  if (finding.cause === 'idle-timeout') return renderIdleTimeout(finding, facts)
  if (finding.cause === 'upgrade-stripped') {
    const name = PROXY_NAMES[finding.proxy] ?? 'The proxy'
    const hostname = originHostname(finding.pageOrigin)
    const fix = upgradeProxyFix(finding.proxy, facts, proxyUpstream(finding.handshake, facts))
    return {
      summary: `${name} drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.`,
      evidence: describeHandshake(finding.handshake, finding.pageOrigin),
      notes: [
        ...fallbackNote(finding.fallback, facts),
        ...(fix
          ? fix.notes
          : [`Make ${name} forward the Upgrade and Connection headers to Vite for ${facts.hmrPath}.`]),
      ],
      proxy: fix?.blocks ?? [],
      vite: hostname ? allowedHostsFix(hostname, facts) : null,
      afterwards: fix ? `Then ${fix.reload}` : null,
    }
  }
  if (finding.cause === 'host-rejected') return renderHostRejected(finding, facts)
  if (finding.cause === 'uri-rewritten') return renderUriRewritten(finding, facts)
  if (finding.cause === 'socket-misdirected') return renderSocketMisdirected(finding, facts)
  const dialled = finding.socketUrl ? `dialled ${finding.socketUrl}` : `loaded ${facts.clientPath}`
  const page = finding.pageOrigin ? `The page at ${finding.pageOrigin} ` : 'A page '
  return {
    summary: "The browser's HMR socket never reached Vite.",
    evidence: `${page}${dialled}; no handshake for ${facts.hmrPath} arrived at Vite.`,
    notes: [
      ...fallbackNote(finding.fallback, facts),
      `Make the proxy forward ${facts.hmrPath} to Vite (port ${vitePort(facts)}) as a WebSocket, or point the browser at a port it can reach with server.${facts.hmrConfigKey}.clientPort.`,
    ],
    proxy: [],
    vite: null,
    afterwards: null,
  }
}
