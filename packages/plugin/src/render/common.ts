import type { FallbackState } from '../diagnose/types.js'
import { isConfigHost } from '../grammar.js'
import type { ViteFacts } from '../vite-facts.js'

/** The port Vite's direct fallback dials, when the doctor knows it. */
export function vitePort(facts: ViteFacts): number | null {
  return facts.hmr.port ?? facts.listen?.port ?? null
}

function fallbackTarget(facts: ViteFacts): string {
  const port = vitePort(facts)
  return port === null ? "Vite's direct fallback" : `Vite's direct fallback to port ${port}`
}

export function fallbackNote(fallback: FallbackState, facts: ViteFacts): string[] {
  if (fallback === 'works') {
    return [
      `HMR works only through ${fallbackTarget(facts)}; a browser that can't reach that port (Docker, another machine) gets no updates.`,
    ]
  }
  if (fallback === 'fails') return [`${fallbackTarget(facts)} failed too: this page gets no updates.`]
  return []
}

/** For a socket that opened past the proxy: this browser reaches that address, others don't. */
export const DIRECT_ONLY_NOTE = 'A browser in Docker or on another machine gets no updates.'

/** A fix that moves the socket onto the proxy's route leaves the upgrade to the proxy, checked next. */
export function forwardUpgradesNote(facts: ViteFacts): string {
  return `The proxy must forward WebSocket upgrades for ${facts.hmrPath}; the doctor says so if it doesn't.`
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

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

/** For a socket still connecting: Vite's client starts its fallback only after a socket closes. */
export const HANGING_NOTE = "Vite's client dials no fallback while its socket hangs: this page gets no updates."
