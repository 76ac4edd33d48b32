// How sure a per-request figure is: an interval over sessions, which counts the bias each session's fresh
// processes carry as well as the noise within a session.
import { mean } from './support.js'

export interface Interval {
  /** The mean of the sessions' figures. */
  estimate: number
  low: number
  high: number
}

// Student's t at 97.5 % for 1 to 30 degrees of freedom, from the table: the expansion below is a few per
// cent short at the smallest, which would narrow the interval where it is least sure.
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
]

/** Student's t at 97.5 % for `df` degrees of freedom; past the table, Cornish-Fisher (within 0.001 there). */
function t975(df: number): number {
  const tabled = T975[df - 1]
  if (tabled !== undefined) return tabled
  const z = 1.959964
  return (
    z +
    (z ** 3 + z) / (4 * df) +
    (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2) +
    (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * df ** 3)
  )
}

/**
 * The 95 % interval over sessions: each session's figure is one sample, and Student's t spreads them.
 * Rounds within a session share their processes' bias, so pooling rounds as independent (or a bootstrap
 * over only a few sessions) gave intervals that even two identical servers fell outside of.
 */
export function sessionInterval(figures: readonly number[]): Interval {
  const centre = mean(figures)
  if (figures.length < 2) return { estimate: centre, low: Number.NEGATIVE_INFINITY, high: Number.POSITIVE_INFINITY }
  const spread = Math.sqrt(figures.reduce((sum, value) => sum + (value - centre) ** 2, 0) / (figures.length - 1))
  const half = (t975(figures.length - 1) * spread) / Math.sqrt(figures.length)
  return { estimate: centre, low: centre - half, high: centre + half }
}

/**
 * Met only when the whole interval is within the goal, missed only when all of it is over; an interval
 * that straddles the goal can't tell, whatever its estimate says.
 */
export function verdict(interval: Interval, goal: number): 'met' | 'MISSED' | 'unresolved' {
  if (interval.high <= goal) return 'met'
  return interval.low > goal ? 'MISSED' : 'unresolved'
}
