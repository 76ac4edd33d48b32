/**
 * Every window the doctor waits, in one place: the plugin reads them, and so do tests that must outwait
 * the doctor before they can call it silent. Later events never extend a window: each is counted from
 * the evidence that opened it.
 */
export const timing = Object.freeze({
  /**
   * Default of the `socketGraceMs` option: how long a page that loaded Vite's client may go without any
   * HMR handshake before the server, with no word from the browser, counts that as a failure. Generous,
   * because the browser's own report is the fast path and a busy machine can take seconds to dial.
   */
  socketGraceMs: 5000,
  /**
   * How long the server waits, after a failed handshake, for what could still change the verdict: Vite's
   * direct fallback socket or the browser's report. Either one ends the wait at once.
   */
  fallbackSettleMs: 2000,
  /**
   * How long the browser snippet waits for Vite's direct fallback socket to open or fail before it
   * reports what it has. It reports as soon as the fallback settles; this caps a fallback that hangs.
   */
  reportCapMs: 1000,
  /**
   * How long a `vite-hmr` socket may stay connecting before the page reports it as hanging: a hop that holds
   * the handshake gives no error until the browser's own timeout, minutes later. A timer runs only while a
   * socket connects; an opened or failed socket clears it.
   */
  pendingSocketMs: 1000,
})

/**
 * After a page finished loading, the longest the doctor may still take to speak up about it: a test that
 * waits this long after a healthy page and heard nothing has proved the doctor silent.
 */
export function silenceWindowMs(socketGraceMs: number = timing.socketGraceMs): number {
  return Math.max(socketGraceMs, timing.reportCapMs + timing.fallbackSettleMs) + 500
}

/** A ping interval comfortably below the measured idle timeout: half of it, in whole tenths of a second. */
export function pingIntervalBelow(idleMs: number): number {
  return Math.max(100, Math.floor(idleMs / 2 / 100) * 100)
}
