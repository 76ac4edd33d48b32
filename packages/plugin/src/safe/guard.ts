/** Where a bug in the doctor goes: Vite's logger, never the request or timer that ran into it. */
export type ErrorSink = (where: string, error: unknown) => void

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
