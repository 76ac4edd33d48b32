// How sure a per-round figure is: an interval that counts both sources of noise the request benchmark sees,
// the rounds within a session and the bias each session's fresh processes carry.
import { mean, median } from './support.js'

export interface Interval {
  /** The mean over sessions of each session's median round. */
  estimate: number
  low: number
  high: number
}

/** Student's t at 97.5 % for `df` degrees of freedom (Cornish-Fisher; within 0.002 of the table from df 3). */
function t975(df: number): number {
  const z = 1.959964
  return (
    z +
    (z ** 3 + z) / (4 * df) +
    (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2) +
    (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * df ** 3)
  )
}

/**
 * The 95 % interval over sessions: each session's median round is one sample, and Student's t spreads
 * them. Rounds within a session share their processes' bias, so pooling rounds as independent (or a
 * bootstrap over only a few sessions) gave intervals that even two identical servers fell outside of.
 */
export function medianInterval(sessions: readonly (readonly number[])[]): Interval {
  const medians = sessions.filter((rounds) => rounds.length > 0).map((rounds) => median(rounds))
  const centre = mean(medians)
  if (medians.length < 2) return { estimate: centre, low: Number.NEGATIVE_INFINITY, high: Number.POSITIVE_INFINITY }
  const spread = Math.sqrt(medians.reduce((sum, value) => sum + (value - centre) ** 2, 0) / (medians.length - 1))
  const half = (t975(medians.length - 1) * spread) / Math.sqrt(medians.length)
  return { estimate: centre, low: centre - half, high: centre + half }
}
