import { expect, test } from 'vitest'
import { pingIntervalBelow } from '../../src/shared/timing.js'

test.each<[number, number]>([
  [1990, 900],
  [2000, 1000],
  [5000, 2500],
  [30_000, 15_000],
  [60_000, 30_000],
  [150, 100],
  [0, 100],
])('pingIntervalBelow(%i) is %i', (idleMs, interval) => {
  expect(pingIntervalBelow(idleMs)).toBe(interval)
})
