import type { ClientReport, Evidence, RequestSnapshot, ServerEvent } from '../evidence/types.js'
import type { FallbackState } from './types.js'

export function eventsOf(evidence: Evidence, kind: ServerEvent['kind']): RequestSnapshot[] {
  return evidence.events.filter((event) => event.kind === kind).map((event) => event.request)
}

export function failedSocketReports(evidence: Evidence): ClientReport[] {
  return evidence.reports.filter((report) => report.sockets.some((socket) => !socket.opened))
}

/** Vite's client tries its direct fallback after a first failed socket: a second record tells how it went. */
export function fallbackFromReports(reports: readonly ClientReport[]): FallbackState {
  const last = reports.at(-1)
  if (!last || last.sockets.length < 2) return 'unknown'
  if (last.sockets.some((socket) => socket.opened)) return 'works'
  // A socket neither open nor closed when the report left is still dialling: not a failure yet.
  return last.sockets.some((socket) => socket.closeCode === null && socket.error === null) ? 'unknown' : 'fails'
}

/** Every sign that a handshake from the browser reached Vite, in any shape. */
export function handshakesSeen(evidence: Evidence): RequestSnapshot[] {
  return [
    ...eventsOf(evidence, 'hmr-socket'),
    ...eventsOf(evidence, 'stripped-handshake'),
    ...eventsOf(evidence, 'handshake'),
  ]
}
