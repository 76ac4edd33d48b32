/**
 * Closes of opened HMR sockets, kept across the reloads they cause (sessionStorage), so a reload loop can be
 * told from a single close. Entries are checked in full where they leave the page (toReported).
 */

export const HISTORY_KEY = 'hmr-doctor:closes'
const MAX_AGE_MS = 120_000
const MAX_ENTRIES = 8
/** Vite's client polls `vite-ping` about once a second before reloading; longer means not this close's reload. */
const RELOAD_WINDOW_MS = 10_000

export interface CloseEntry {
  /** `Date.now()` at the close: only ever compared with the same browser's clock. */
  at: number
  /** The server that served the page whose socket closed: a new one since means a restart. */
  serverId: string
  /** Milliseconds, unrounded (`performance.now()` differences) as every page stores them: the report rounds. */
  openForMs: number
  /** Milliseconds since the last frame in either direction, unrounded too. */
  idleMs: number
  code: number
}

/** What the report carries: times relative to sending, so the server never compares two clocks. */
export interface ReportedClose {
  msAgo: number
  openForMs: number
  idleMs: number
  code: number
}

function isEntry(value: unknown): value is CloseEntry {
  if (typeof value !== 'object' || value === null) return false
  const entry = value as Record<string, unknown>
  return (
    typeof entry.serverId === 'string' &&
    ['at', 'openForMs', 'idleMs', 'code'].every((key) => Number.isFinite(entry[key]))
  )
}

/**
 * The stored list, unchecked; anything but a list is an empty one, and so is storage that throws when read
 * (disabled, or denied to this page).
 */
export function readStoredHistory(read: () => string | null): unknown[] {
  try {
    const parsed: unknown = JSON.parse(read() ?? '[]')
    return Array.isArray(parsed) ? parsed : []
  } catch {
    return []
  }
}

export function appendClose(history: readonly unknown[], entry: CloseEntry): unknown[] {
  return [...history, entry].slice(-MAX_ENTRIES)
}

/**
 * The times of recent closes of pages this same server served: closes under another server were a
 * restart's, and a page left for minutes and opened again starts over. A stored value that is no entry
 * has no such server or time, so it drops out here too.
 */
function ownCloseTimes(history: readonly unknown[], now: number, serverId: string): number[] {
  const times: number[] = []
  for (const entry of history as (Partial<CloseEntry> | null)[])
    if (entry?.serverId === serverId && now - Number(entry.at) <= MAX_AGE_MS) times.push(Number(entry.at))
  return times
}

/**
 * This page load follows a close that reloaded the page, and it is not the first, all under the server
 * that served this page: a loop to report. Restarts of Vite in between are no loop.
 */
export function isReloadLoop(history: readonly unknown[], now: number, serverId: string): boolean {
  const times = ownCloseTimes(history, now, serverId)
  return times.length >= 2 && now - (times.at(-1) ?? Number.NEGATIVE_INFINITY) <= RELOAD_WINDOW_MS
}

export function toReported(history: readonly unknown[], now: number, serverId: string): ReportedClose[] {
  return history
    .filter(isEntry)
    .filter((entry) => entry.serverId === serverId && now - entry.at <= MAX_AGE_MS)
    .map(({ at, openForMs, idleMs, code }) => ({
      msAgo: Math.max(0, Math.round(now - at)),
      openForMs: Math.round(openForMs),
      idleMs: Math.round(idleMs),
      code,
    }))
}
