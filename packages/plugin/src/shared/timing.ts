/** Every window the doctor waits, each counted from the evidence that opened it: later events never extend it. */
export const timing = Object.freeze({
  /** Default `socketGraceMs`: generous, as the browser's report is the fast path and a busy machine dials slowly. */
  socketGraceMs: 5000,
  /** After a failed handshake, the wait for Vite's direct fallback or the browser's report; either ends it. */
  fallbackSettleMs: 2000,
  /** The browser's cap on waiting for a hanging direct fallback before it reports. */
  reportCapMs: 1000,
  /**
   * A socket still connecting this long is reported as hanging: a held handshake errors only minutes later.
   * The page sends nothing before it, so a slow but healthy handshake costs no request; short enough that a
   * promptly loading page shows the finding within 2 s of its load.
   */
  pendingSocketMs: 1600,
  /** How long the doctor keeps an observation (longer while a kept report it preceded explains it). */
  evidenceMs: 60_000,
})

/**
 * After a page finished loading, the longest the doctor may still take to speak up about it: a test that
 * waits this long after a healthy page and heard nothing has proved the doctor silent.
 */
export function silenceWindowMs(socketGraceMs: number = timing.socketGraceMs): number {
  // A hanging socket is reported only once it has been pending, then waits out the cap and the settle.
  return Math.max(socketGraceMs, timing.pendingSocketMs + timing.reportCapMs + timing.fallbackSettleMs) + 500
}

/** A ping interval comfortably below the proxy's idle timeout: half of it, in whole tenths of a second. */
export function pingIntervalBelow(timeoutMs: number): number {
  return Math.max(100, Math.floor(timeoutMs / 2 / 100) * 100)
}
