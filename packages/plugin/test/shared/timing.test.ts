import { expect, test } from 'vitest'
import { pingIntervalBelow, silenceWindowMs, timing } from '../../src/shared/timing.js'

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

test.each([0, 1000, timing.socketGraceMs, 20_000])(
  'silenceWindowMs(%i) outlasts the socket grace and a hanging socket reported, capped and settled',
  (socketGraceMs) => {
    const hanging = timing.pendingSocketMs + timing.reportCapMs + timing.fallbackSettleMs
    expect(silenceWindowMs(socketGraceMs)).toBeGreaterThan(Math.max(socketGraceMs, hanging))
  },
)
