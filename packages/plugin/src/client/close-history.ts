/**
 * Closes of opened HMR sockets, kept across the reloads they cause (in sessionStorage), so a reload loop
 * can be told from a single close. Pure functions over plain data; the storage itself is client.ts's.
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
  openForMs: number
  /** Milliseconds since the last frame in either direction. */
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

export function readHistory(raw: string | null, now: number): CloseEntry[] {
  if (!raw) return []
  try {
    const parsed: unknown = JSON.parse(raw)
    return Array.isArray(parsed) ? parsed.filter(isEntry).filter((entry) => now - entry.at <= MAX_AGE_MS) : []
  } catch {
    return []
  }
}

export function appendClose(history: CloseEntry[], entry: CloseEntry): CloseEntry[] {
  return [...history, entry].slice(-MAX_ENTRIES)
}

/** The closes of pages this same server served: closes under another server were a restart's. */
export function closesOf(history: readonly CloseEntry[], serverId: string): CloseEntry[] {
  return history.filter((entry) => entry.serverId === serverId)
}

/**
 * This page load follows a close that reloaded the page, and it is not the first, all under the server
 * that served this page: a loop to report. Restarts of Vite in between are no loop.
 */
export function isReloadLoop(history: readonly CloseEntry[], now: number, serverId: string): boolean {
  const own = closesOf(history, serverId)
  const last = own.at(-1)
  return own.length >= 2 && last !== undefined && now - last.at <= RELOAD_WINDOW_MS
}

export function toReported(history: readonly CloseEntry[], now: number, serverId: string): ReportedClose[] {
  return closesOf(history, serverId).map(({ at, openForMs, idleMs, code }) => ({
    msAgo: Math.max(0, now - at),
    openForMs,
    idleMs,
    code,
  }))
}
