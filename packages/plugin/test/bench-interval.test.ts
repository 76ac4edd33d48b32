import { describe, expect, it } from 'vitest'
import { sessionInterval, verdict } from '../bench/interval.js'

describe('the per-request interval', () => {
  it("spreads over sessions with Student's t, one figure a session", () => {
    // Session figures 1, 2, 3: mean 2, standard deviation 1, t(0.975, 2) = 4.303.
    const interval = sessionInterval([1, 2, 3])
    expect(interval.estimate).toBeCloseTo(2, 10)
    expect(interval.high - interval.estimate).toBeCloseTo(4.303 / Math.sqrt(3), 3)
    expect(interval.estimate - interval.low).toBeCloseTo(interval.high - interval.estimate, 10)
  })

  it('matches the t table past its end', () => {
    // 41 sessions with figures ±1 around 0 (one at 0): t(0.975, 40) = 2.021.
    const sessions = [...Array.from({ length: 40 }, (_, i) => (i % 2 ? 1 : -1)), 0]
    const { high } = sessionInterval(sessions)
    expect(high).toBeCloseTo((2.021 * Math.sqrt(40 / 40)) / Math.sqrt(41), 3)
  })

  it('matches the t table for eight sessions', () => {
    // Eight sessions with figures ±1 around 0: standard deviation √(8/7), t(0.975, 7) = 2.365.
    const { high } = sessionInterval([1, -1, 1, -1, 1, -1, 1, -1])
    expect(high).toBeCloseTo((2.365 * Math.sqrt(8 / 7)) / Math.sqrt(8), 2)
  })

  it('claims nothing from a single session', () => {
    const interval = sessionInterval([0.002])
    expect(verdict(interval, 0.01)).toBe('unresolved')
  })

  it('says met or missed only when the whole interval is on one side of the goal', () => {
    expect(verdict({ estimate: 0, low: -0.02, high: 0.01 }, 0.01)).toBe('met')
    expect(verdict({ estimate: 0.005, low: -0.02, high: 0.011 }, 0.01)).toBe('unresolved')
    expect(verdict({ estimate: 0.03, low: 0.01, high: 0.05 }, 0.01)).toBe('unresolved')
    expect(verdict({ estimate: 0.03, low: 0.011, high: 0.05 }, 0.01)).toBe('MISSED')
  })
})
