import type { HopAnswer, ReportedSocket, SeenSocket } from '../shared/protocol.js'
import { redactToken } from '../shared/redact-token.js'

const MAX_ERROR_LENGTH = 200

function describeThrown(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, MAX_ERROR_LENGTH) : 'constructor threw'
}

/** Connecting past `timing.pendingSocketMs`, and still connecting. */
export function isHanging(seen: SeenSocket): boolean {
  return seen.hangingAt !== undefined && seen.openedAt === undefined && seen.closedAt === undefined
}

/** A socket as the report says it: times relative to its creation, token removed. */
export function toReportedSocket(seen: SeenSocket, hop: HopAnswer | undefined): ReportedSocket {
  const after = (at: number | undefined) => (at === undefined ? null : Math.round(at - seen.at))
  return {
    url: redactToken(seen.url),
    opened: seen.openedAt !== undefined,
    closeCode: seen.closeCode ?? null,
    openedAfterMs: after(seen.openedAt),
    closedAfterMs: after(seen.closedAt),
    error: seen.thrown
      ? describeThrown(seen.thrown.error)
      : seen.refused
        ? "refused by the page's Content-Security-Policy"
        : null,
    ...(hop && { hop }),
    ...(isHanging(seen) && { hangingAfterMs: after(seen.hangingAt) ?? 0 }),
    ...(seen.ping && { ping: true as const }),
  }
}
