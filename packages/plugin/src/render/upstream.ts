import { isConfigHost } from '../safe/grammar.js'
import type { ViteFacts } from '../vite/vite-facts.js'

/** The port Vite's direct fallback dials, when the doctor knows it. */
export function vitePort(facts: ViteFacts): number | null {
  return facts.hmr.port ?? facts.listen?.port ?? null
}

/**
 * Where the proxy should send Vite's traffic: the upstream a vouched-for Host named (the user's own
 * spelling, `vite:5173` in Docker), else the address Vite listens on, read from its own server (its socket
 * server's, for a request that landed there). Neither comes from an unauthenticated request.
 */
export function upstreamFor(vouched: string | null, facts: ViteFacts, localPort: number | null): string | null {
  if (vouched !== null) return vouched
  if (localPort !== null && localPort === facts.hmrServerPort) {
    const host = facts.hmr.host
    return `${host && isConfigHost(host) && host !== '0.0.0.0' ? host : '127.0.0.1'}:${localPort}`
  }
  if (facts.listen) return `${facts.listen.host}:${facts.listen.port}`
  return localPort === null ? null : `127.0.0.1:${localPort}`
}

/** What is said of a Host that could name the upstream when nothing but the request vouches for it. */
export function seenUpstreamNote(seen: string): string {
  return `A request arrived with Host "${seen}" (from the request, not your config; anyone who can load a page can send it): the fix names the address Vite listens on. If your proxy reaches Vite at "${seen}", use that instead.`
}
