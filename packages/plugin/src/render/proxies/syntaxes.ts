import type { ProxyKind } from '../../evidence/evidence-types.js'
import { apache } from './apache.js'
import { caddy } from './caddy.js'
import { haproxy } from './haproxy.js'
import { nginx } from './nginx.js'
import type { ProxySyntax } from './proxy-syntax.js'

/** The proxies whose lines the doctor prints: each runs, fixed by them, in the end-to-end tests. */
const SYNTAXES: Partial<Record<ProxyKind, ProxySyntax>> = { nginx, apache, caddy, haproxy }

/** The syntax of the proxy that forwarded the request, or null: no proxy gets another one's lines. */
export function syntaxFor(kind: ProxyKind): ProxySyntax | null {
  return SYNTAXES[kind] ?? null
}

/** Hosted hops the doctor recognises but whose settings it can't run: how it knew, for the honest note. */
const HOSTED: Partial<Record<ProxyKind, { name: string; marks: string }>> = {
  traefik: { name: 'Traefik', marks: 'its X-Real-Ip and X-Forwarded-Server headers' },
  cloudflare: { name: 'Cloudflare', marks: 'its Cf-Ray / Cdn-Loop headers' },
  'aws-alb': { name: 'The AWS load balancer', marks: 'its X-Amzn-Trace-Id header' },
  'google-lb': { name: "Google Cloud's load balancer", marks: 'its Via / X-Cloud-Trace-Context headers' },
  'azure-front-door': { name: 'Azure Front Door', marks: 'its X-Azure-Ref header' },
}

/** The proxy's name at the start of a sentence. */
export function proxyName(kind: ProxyKind): string {
  if (kind === 'node') return 'The Node proxy'
  return syntaxFor(kind)?.name ?? HOSTED[kind]?.name ?? 'The proxy'
}

/** The proxy's name inside a sentence. */
export function proxyNameInline(kind: ProxyKind): string {
  const name = proxyName(kind)
  return name.startsWith('The ') ? `the ${name.slice(4)}` : name
}

/**
 * For a hosted hop: how it was recognised, and why no settings of its own are printed. Another proxy
 * behind it would leave its own marks first, so the hop nearest Vite is the one named.
 */
export function hostedNote(kind: ProxyKind): string[] {
  const hosted = HOSTED[kind]
  if (!hosted) return []
  return [
    `${hosted.name} was recognised by ${hosted.marks}. No ${hosted.name.replace(/^The /, '')} settings are printed: none can run in this project's tests, so only what they must do is said.`,
  ]
}
