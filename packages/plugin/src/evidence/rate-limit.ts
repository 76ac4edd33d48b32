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

/**
 * The same limit per source (a remote address), so one sender's flood can't use up another's budget. At
 * most `maxSources` are tracked; past that the oldest is forgotten, which only ever lets more through.
 */
export function createRateLimits(
  max: number,
  windowMs: number,
  maxSources = 64,
): (source: string, now: number) => boolean {
  const limits = new Map<string, (now: number) => boolean>()
  return (source, now) => {
    let allow = limits.get(source)
    if (!allow) {
      allow = createRateLimit(max, windowMs)
      limits.set(source, allow)
      if (limits.size > maxSources) limits.delete(limits.keys().next().value as string)
    }
    return allow(now)
  }
}
