import type { CheckOptions } from './observe.js'

/**
 * The whole check's time (`--timeout`): every wait takes its share of what is left, so no server, however
 * slow its headers or endless its body, stretches the run past it.
 */
export class Budget {
  private readonly end: number
  constructor(ms: number) {
    this.end = performance.now() + ms
  }
  /** What is left, split evenly among the `steps` waits that may still come. */
  share(steps = 1): number {
    return Math.max(0, Math.floor((this.end - performance.now()) / steps))
  }
}

export interface Run extends CheckOptions {
  budget: Budget
}
