// How sure a per-round figure is: a median with a confidence interval that counts both sources of noise the
// request benchmark sees, the rounds within a session and the bias each session's fresh processes carry.
import { median, percentile } from './support.js'

export interface Interval {
  /** The median of every round's figure, all sessions pooled. */
  median: number
  low: number
  high: number
}

// Enough that two runs on the same rounds give bounds a few hundredths of a per cent apart.
const RESAMPLES = 2000

/**
 * The 95 % interval of the median by a two-level bootstrap: sessions drawn with replacement, then rounds
 * within each drawn session. Drawing sessions first keeps a process's own bias in the interval; rounds
 * pooled as if independent would claim a certainty that fresh processes then contradict.
 */
export function medianInterval(sessions: readonly (readonly number[])[]): Interval {
  const usable = sessions.filter((rounds) => rounds.length > 0)
  const pick = <T>(values: readonly T[]): T => values[Math.floor(Math.random() * values.length)] as T
  const medians: number[] = []
  for (let i = 0; i < RESAMPLES; i++) {
    const drawn: number[] = []
    for (let s = 0; s < usable.length; s++) {
      const rounds = pick(usable)
      for (let r = 0; r < rounds.length; r++) drawn.push(pick(rounds))
    }
    medians.push(median(drawn))
  }
  return { median: median(usable.flat()), low: percentile(medians, 2.5), high: percentile(medians, 97.5) }
}
