import type { FallbackState } from '../diagnose/types.js'
import type { RequestSnapshot } from '../evidence/types.js'
import { hostnameOf } from '../host-check.js'
import { parseUrl } from '../parse-url.js'
import type { ViteFacts } from '../vite-facts.js'

export function vitePort(facts: ViteFacts): string {
  return String(facts.hmr.port ?? facts.listen?.port ?? '?')
}

export function fallbackNote(fallback: FallbackState, facts: ViteFacts): string[] {
  if (fallback === 'works') {
    return [
      `HMR works only through Vite's direct fallback to port ${vitePort(facts)}; a browser that can't reach that port (Docker, another machine) gets no updates.`,
    ]
  }
  if (fallback === 'fails')
    return [`Vite's direct fallback to port ${vitePort(facts)} failed too: this page gets no updates.`]
  return []
}

/** A Host header that can stand in a config as an upstream: a name or address, an optional port, nothing else. */
const UPSTREAM = /^(?:[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i

/**
 * Where the proxy sends Vite's traffic. A bare nginx `proxy_pass` sets Host to its upstream (`$proxy_host`),
 * so a Host naming another machine than the page names the upstream exactly as the user's config writes it.
 * A Host with the page's own name is the browser's, passed on (`Host $host`): then where Vite listens.
 */
export function proxyUpstream(handshake: RequestSnapshot, facts: ViteFacts): string {
  const listening = facts.listen
    ? `${facts.listen.host}:${facts.listen.port}`
    : `127.0.0.1:${handshake.localPort ?? vitePort(facts)}`
  const host = handshake.host
  if (!host || !UPSTREAM.test(host)) return listening
  const pageHostname = originHostname(handshake.origin)
  return pageHostname !== null && pageHostname !== hostnameOf(host) ? host : listening
}

export function originHostname(origin: string | null): string | null {
  return parseUrl(origin)?.hostname ?? null
}

export const PROXY_NAMES: Record<string, string> = {
  nginx: 'nginx',
  apache: 'Apache',
  haproxy: 'HAProxy',
  caddy: 'Caddy',
  unknown: 'The proxy',
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}
