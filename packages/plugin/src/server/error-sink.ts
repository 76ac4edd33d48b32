import colors from 'picocolors'
import type { Logger } from 'vite'
import type { ErrorSink } from '../safe/guard.js'
import { PREFIX } from '../shared/constants.js'

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
