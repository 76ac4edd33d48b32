/** A fixed-window limit: at most `max` hits per `windowMs`, whoever sends them. */
export function createRateLimit(max: number, windowMs: number): (now: number) => boolean {
  let windowStart = Number.NEGATIVE_INFINITY
  let hits = 0
  return (now) => {
    if (now - windowStart >= windowMs) {
      windowStart = now
      hits = 0
    }
    hits += 1
    return hits <= max
  }
}
