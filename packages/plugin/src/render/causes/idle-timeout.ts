import type { Finding } from '../../diagnose/types.js'
import type { ProxyKind } from '../../evidence/types.js'
import type { ViteFacts } from '../../vite-facts.js'
import { seconds } from '../common.js'
import { haproxyTunnelTimeoutFix } from '../haproxy.js'
import { nginxIdleTimeoutFix } from '../nginx.js'
import type { ConfigBlock, RenderedFinding, RenderState } from '../types.js'
import { pingIntervalFix } from '../vite-config.js'

/** The proxy lines that keep an idle socket open, for the proxies whose lines have an end-to-end test. */
function idleProxyFix(proxy: ProxyKind): { block: ConfigBlock; reload: string } | null {
  if (proxy === 'nginx' || proxy === 'unknown') {
    return { block: nginxIdleTimeoutFix(), reload: 'reload nginx (nginx -s reload)' }
  }
  if (proxy === 'haproxy') return { block: haproxyTunnelTimeoutFix(), reload: 'reload HAProxy' }
  return null
}

export function renderIdleTimeout(
  finding: Extract<Finding, { cause: 'idle-timeout' }>,
  facts: ViteFacts,
  state: RenderState,
): RenderedFinding {
  const proxyFix = idleProxyFix(finding.proxy)
  const keepalive =
    state.keepaliveMs === null
      ? []
      : [
          `Until then the doctor pings each HMR client every ${seconds(state.keepaliveMs)} so pages stop reloading (option keepalive).`,
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
