import colors from 'picocolors'
import type { Logger } from 'vite'
import { PREFIX } from '../shared/constants.js'

/** Where a bug in the doctor goes: Vite's logger, never the request or timer that ran into it. */
export type ErrorSink = (where: string, error: unknown) => void

const MAX_DISTINCT = 16

/** Logs each distinct failure once (as Vite's own `ws.ts` logs its errors), so a bug is seen, not repeated. */
export function createErrorSink(logger: Pick<Logger, 'error'>): ErrorSink {
  const seen = new Set<string>()
  return (where, error) => {
    const message = error instanceof Error ? error.message : String(error)
    const key = `${where}\n${message}`
    if (seen.has(key) || seen.size >= MAX_DISTINCT) return
    seen.add(key)
    logger.error(
      `${colors.yellow(PREFIX)} failed in ${where}: ${message} (Vite and HMR carry on; please report this)`,
      {
        error: error instanceof Error ? error : null,
      },
    )
  }
}

/** `fn` with its throws sent to `sink`: for listeners and timers, where a throw would reach Node or Vite. */
export function guard<Args extends unknown[]>(
  sink: ErrorSink,
  where: string,
  fn: (...args: Args) => void,
): (...args: Args) => void {
  return (...args) => {
    try {
      fn(...args)
    } catch (error) {
      sink(where, error)
    }
  }
}
