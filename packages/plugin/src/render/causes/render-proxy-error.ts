import type { Finding } from '../../diagnose/finding-types.js'
import type { ViteFacts } from '../../vite/vite-facts.js'
import { afterwards } from '../afterwards.js'
import { pathFilterFix } from '../node-proxies.js'
import { fallbackNote } from '../notes.js'
import { hostedNote, proxyName, proxyNameInline, syntaxFor } from '../proxies/syntaxes.js'
import type { RenderedFinding } from '../rendered-types.js'
import { upstreamFor } from '../upstream.js'

type ProxyError = Extract<Finding, { cause: 'proxy-error' }>

/** What the status says about the hop, and whether a route to where Vite listens is the fix. */
function meaning(finding: ProxyError, facts: ViteFacts): { summary: string; notes: string[]; route: boolean } {
  const name = proxyName(finding.proxy)
  const listen = facts.listen ? `${facts.listen.host}:${facts.listen.port}` : null
  const where =
    listen === null
      ? ''
      : ` Vite listens on ${listen}${facts.listen?.host === '[::1]' ? ' (IPv6 only: localhost resolved to ::1)' : ''}.`
  if (finding.status === 404 && finding.express) {
    return {
      summary: `Express answered 404 for ${finding.path} itself: none of its middlewares takes the HMR socket's path.`,
      notes: [`Route ${finding.path} to Vite as a WebSocket.${where}`],
      route: false,
    }
  }
  if (finding.status === 404) {
    return {
      summary: `${name} answered 404 for ${finding.path}: the HMR socket's path isn't routed to Vite.`,
      notes: [`Route ${finding.path} to Vite as a WebSocket.${where}`],
      route: true,
    }
  }
  if (finding.status === 503 && finding.proxy === 'haproxy') {
    // HAProxy's own 503 page says "No server is available": no use_backend took the path (and there is no
    // default_backend), or every server of the backend that did is down.
    return {
      summary: `HAProxy answered 503 for ${finding.path}: no server of its takes that path (no use_backend routes it there, or that backend's servers are down).`,
      notes: [`Route ${finding.path} to Vite as a WebSocket.${where}`],
      route: true,
    }
  }
  if (finding.status === 502 || finding.status === 503) {
    return {
      summary: `${name} answered ${finding.status} for ${finding.path}: it can't reach Vite at the upstream it uses there.`,
      notes: [`Point that route at the address Vite listens on.${where}`],
      route: true,
    }
  }
  if (finding.status === 504) {
    return {
      summary: `${name} answered 504 for ${finding.path}: Vite didn't answer it in time.`,
      notes: [
        `Vite answers a handshake only at ${facts.hmrPath} with the vite-hmr subprotocol and this server's token; a proxy that rewrites the path or the query leaves it unanswered.`,
      ],
      route: false,
    }
  }
  return {
    summary: `${name} answered ${finding.status} for ${finding.path}: the HMR socket never reached Vite.`,
    notes: [`Make ${proxyNameInline(finding.proxy)} forward ${finding.path} to Vite as a WebSocket.${where}`],
    route: false,
  }
}

export function renderProxyError(finding: ProxyError, facts: ViteFacts): RenderedFinding {
  const { summary, notes, route } = meaning(finding, facts)
  // The proxy's own upstream for that path is unknown (nothing reached Vite), and the path the page dialled
  // is the page's word: the route uses Vite's own address and its own HMR path.
  const upstream = upstreamFor(null, facts, null)
  const syntax = syntaxFor(finding.proxy)
  const fix =
    route && upstream !== null && syntax !== null
      ? syntax.routeSocket({ facts, upstream })
      : finding.express && finding.path === facts.hmrPath
        ? pathFilterFix(facts.hmrPath)
        : null
  return {
    summary,
    evidence: `the page at ${finding.pageOrigin} dialled ${finding.socketUrl}; asked over plain HTTP, that URL answered ${finding.status}${finding.server ? ` (Server: ${finding.server})` : ''}${finding.express ? " with Express's own page (X-Powered-By: Express)" : ''}, and no handshake from the page reached Vite`,
    notes: [...fallbackNote(finding.fallback, facts), ...notes, ...(fix?.notes ?? []), ...hostedNote(finding.proxy)],
    proxy: fix?.blocks ?? [],
    vite: null,
    afterwards: finding.express
      ? fix && afterwards({ script: true }, facts)
      : afterwards({ proxy: fix ? syntax : null, vite: false }, facts),
  }
}
