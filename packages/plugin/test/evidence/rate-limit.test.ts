import { expect, test } from 'vitest'
import { createRateLimit, createRateLimits } from '../../src/evidence/rate-limit.js'

test.each<{ name: string; max: number; windowMs: number; hits: number[]; allowed: boolean[] }>([
  { name: 'up to max in one window', max: 2, windowMs: 1000, hits: [0, 1, 2], allowed: [true, true, false] },
  {
    name: 'a new window starts windowMs after the first hit',
    max: 2,
    windowMs: 1000,
    hits: [0, 1, 999, 1000, 1001, 1002],
    allowed: [true, true, false, true, true, false],
  },
  {
    name: 'refused hits still count within the window',
    max: 1,
    windowMs: 1000,
    hits: [0, 500, 999, 1000, 1999, 2000],
    allowed: [true, false, false, true, false, true],
  },
  {
    name: 'the window is anchored at its first hit, not fixed to the clock',
    max: 1,
    windowMs: 1000,
    hits: [1500, 2400, 2500],
    allowed: [true, false, true],
  },
  {
    name: 'real timestamps',
    max: 20,
    windowMs: 10_000,
    hits: Array.from({ length: 22 }, (_, i) => 1_700_000_000_000 + i),
    allowed: [...Array.from({ length: 20 }, () => true), false, false],
  },
])('$name', ({ max, windowMs, hits, allowed }) => {
  const allow = createRateLimit(max, windowMs)
  expect(hits.map((now) => allow(now))).toEqual(allowed)
})

test('each limiter counts on its own', () => {
  const a = createRateLimit(1, 1000)
  const b = createRateLimit(1, 1000)
  expect([a(0), b(0), a(1), b(1)]).toEqual([true, true, false, false])
})

test('per source: one sender using up its budget leaves another its own', () => {
  const allow = createRateLimits(2, 1000)
  const flood = [0, 1, 2, 3].map((now) => allow('10.0.0.9', now))
  expect(flood).toEqual([true, true, false, false])
  expect([allow('127.0.0.1', 4), allow('127.0.0.1', 5), allow('127.0.0.1', 6)]).toEqual([true, true, false])
})

test('per source: past the sources it tracks, the oldest is forgotten (it starts afresh, never stricter)', () => {
  const allow = createRateLimits(1, 1000, 2)
  expect([allow('a', 0), allow('a', 1)]).toEqual([true, false])
  allow('b', 2)
  allow('c', 3)
  expect(allow('a', 4)).toBe(true)
})
