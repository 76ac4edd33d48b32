import type { Logger } from 'vite'

/** A Vite logger that keeps every message as passed to it (colours included), in `logged`. */
export function recordingLogger(): { customLogger: Logger; logged: string[] } {
  const logged: string[] = []
  const record = (message: string): void => {
    logged.push(message)
  }
  const customLogger: Logger = {
    hasWarned: false,
    info: record,
    warn: record,
    warnOnce: record,
    error: record,
    clearScreen: () => {},
    hasErrorLogged: () => false,
  }
  return { customLogger, logged }
}
