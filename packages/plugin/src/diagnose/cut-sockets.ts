import type { Evidence, ServerEvent } from '../evidence/evidence-types.js'
import { timing } from '../shared/timing.js'

export type Accepted = Extract<ServerEvent, { kind: 'hmr-socket' }>
type Closed = Extract<ServerEvent, { kind: 'hmr-socket-closed' }>

/** How a connection ends that a hop broke: cut, without a close frame. */
const CUT = 1006

/** An HMR socket Vite answered 101, cut before a page could have called its own socket hanging. */
export interface CutSocket {
  /** The acceptance, when it is still in the evidence: it says who sent the handshake. */
  accepted: Accepted | undefined
  closed: Closed
}

/**
 * The sockets Vite answered whose connection was cut right after the 101, latest first, among those
 * `counts` accepts (its origin, its token).
 */
export function cutSockets(evidence: Evidence, counts: (event: ServerEvent) => boolean): CutSocket[] {
  const cuts = evidence.events.filter(
    (event): event is Closed =>
      event.kind === 'hmr-socket-closed' &&
      counts(event) &&
      event.code === CUT &&
      event.openForMs < timing.pendingSocketMs,
  )
  return cuts.reverse().map((closed) => ({
    // The close carries its request at the time it closed: the acceptance is openForMs earlier.
    accepted: evidence.events.find(
      (event): event is Accepted =>
        event.kind === 'hmr-socket' && counts(event) && event.request.at === closed.request.at - closed.openForMs,
    ),
    closed,
  }))
}
