import type { FallbackState } from '../diagnose/finding-types.js'
import type { ViteFacts } from '../vite/vite-facts.js'
import { vitePort } from './upstream.js'

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

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

/** For a socket still connecting: Vite's client starts its fallback only after a socket closes. */
export const HANGING_NOTE = "Vite's client dials no fallback while its socket hangs: this page gets no updates."
