import { describe, expect, test } from 'vitest'
import { type DiagnoseContext, diagnose } from '../../../src/diagnose/diagnose.js'
import type { Finding } from '../../../src/diagnose/finding-types.js'
import type { ClientReport, CloseRecord, ProxyKind, ServerEvent } from '../../../src/evidence/evidence-types.js'
import { timing } from '../../../src/shared/timing.js'
import { context, evidence, hmrSocket } from '../../fixtures.js'

const SETTLE_MS = timing.fallbackSettleMs

describe('idle-timeout', () => {
  function close(at: number, idleMs: number, overrides: Partial<CloseRecord> = {}): CloseRecord {
    return { at, openForMs: idleMs + 2000, idleMs, code: 1006, ...overrides }
  }

  function closesReport(closes: CloseRecord[], pageOrigin = 'http://localhost:8080'): ClientReport {
    return { at: 200_000, pageOrigin, clientOrigin: pageOrigin, sockets: [], closes }
  }

  /** nginx's default 60 s proxy_read_timeout: each page opens, sits idle a minute, closes, reloads. */
  const steady = [
    close(62_000, 60_000, { openForMs: 62_000 }),
    close(125_000, 60_020, { openForMs: 61_500 }),
    close(188_000, 59_980, { openForMs: 62_000 }),
  ]

  test.each<{
    name: string
    closes: CloseRecord[]
    events?: ServerEvent[]
    context?: Partial<DiagnoseContext>
    announced?: ProxyKind
    expected: Partial<Extract<Finding, { cause: 'idle-timeout' }>>
  }>([
    {
      name: 'three steady closes: the median idle, the span from the first open to the last close',
      closes: steady,
      expected: {
        proxy: 'unknown',
        timeoutMs: 60_000,
        idleRangeMs: [59_980, 60_020],
        closes: 3,
        spanMs: 188_000,
        code: 1006,
      },
    },
    {
      name: "the proxy is read from the page's latest socket",
      closes: steady,
      events: [hmrSocket(1000, { proxy: 'apache' }), hmrSocket(126_000, { proxy: 'haproxy' })],
      expected: { proxy: 'haproxy' },
    },
    {
      // nginx setting Host itself leaves no mark on the socket, but names itself on every answer it proxies.
      name: "a socket without marks: the proxy the page's route announced in Server",
      closes: steady,
      events: [hmrSocket(126_000)],
      announced: 'nginx',
      expected: { proxy: 'nginx' },
    },
    {
      name: "no socket of the page's within the evidence: still the proxy the route announced",
      closes: steady,
      announced: 'nginx',
      expected: { proxy: 'nginx' },
    },
    {
      name: "another page's socket says nothing about this page's proxy",
      closes: steady,
      events: [hmrSocket(126_000, { proxy: 'caddy', origin: 'http://localhost:3000' })],
      expected: { proxy: 'unknown' },
    },
    {
      name: "the close code is the last close's",
      closes: [close(62_000, 60_000), close(125_000, 60_000, { code: 1001 })],
      expected: { code: 1001, closes: 2 },
    },
    {
      // The span starts when the first socket opened (openForMs before its close).
      name: 'two closes: their whole second, both readings, and span = last.at - (first.at - first.openForMs)',
      closes: [close(30_000, 2000), close(40_000, 2200)],
      expected: { timeoutMs: 2000, idleRangeMs: [2000, 2200], closes: 2, spanMs: 40_000 - (30_000 - 4000) },
    },
    {
      name: 'closes before this server started (a restart) are left out, the rest still steady',
      closes: steady,
      context: { serverStartedAt: 100_000 },
      expected: { closes: 2, timeoutMs: 60_000, spanMs: 188_000 - (125_000 - 61_500) },
    },
    {
      name: 'a close exactly at the server start counts',
      closes: steady,
      context: { serverStartedAt: 125_000 },
      expected: { closes: 2 },
    },
    {
      // Two whole seconds, one reading each: the shorter, whose ping interval holds for either.
      name: 'within 10 %: 54 s against 60 s',
      closes: [close(1000, 54_000), close(2000, 60_000)],
      expected: { timeoutMs: 54_000, idleRangeMs: [54_000, 60_000] },
    },
    {
      name: 'one late reading among the latest closes: the loop still shows, without it',
      closes: [close(10_000, 1900), close(20_000, 2700), close(30_000, 2000)],
      expected: { timeoutMs: 2000, idleRangeMs: [1900, 2000], closes: 2, spanMs: 30_000 - (10_000 - 3900) },
    },
    {
      name: 'a loop since set to another timeout: the latest closes decide',
      closes: [1, 2, 3, 4, 5, 6, 7, 8].map((index) => close(index * 10_000, index <= 5 ? 2000 : 5000)),
      expected: { timeoutMs: 5000, closes: 3 },
    },
    {
      name: 'a setting that is no whole second is given in tenths',
      closes: [close(1000, 1460), close(2000, 1530), close(3000, 1490)],
      expected: { timeoutMs: 1500, idleRangeMs: [1460, 1530] },
    },
    {
      name: 'a long timeout read a little late once is still its whole second',
      closes: [close(1000, 59_950), close(2000, 60_600)],
      expected: { timeoutMs: 60_000, idleRangeMs: [59_950, 60_600] },
    },
    {
      name: 'within 250 ms: 2.0 s against 2.25 s',
      closes: [close(1000, 2000), close(2000, 2250)],
      expected: { timeoutMs: 2000, idleRangeMs: [2000, 2250] },
    },
  ])('$name', ({ closes, events = [], context: overrides = {}, announced, expected }) => {
    const report = { ...closesReport(closes), ...(announced && { announced }) }
    const findings = diagnose(evidence(200_000, events, [report]), { ...context, ...overrides })
    expect(findings).toEqual([
      expect.objectContaining({ cause: 'idle-timeout', pageOrigin: 'http://localhost:8080', ...expected }),
    ])
  })

  test('the whole finding', () => {
    const events = [hmrSocket(126_000, { proxy: 'nginx', hostSource: 'local' })]
    const findings = diagnose(evidence(200_000, events, [closesReport(steady, 'http://localhost:8080')]), context)
    expect(findings).toEqual([
      {
        cause: 'idle-timeout',
        proxy: 'nginx',
        pageOrigin: 'http://localhost:8080',
        timeoutMs: 60_000,
        idleRangeMs: [59_980, 60_020],
        closes: 3,
        spanMs: 188_000,
        code: 1006,
        seenByVite: 0,
        upstream: '127.0.0.1:5173',
      },
    ])
  })

  test("a loop whose proxy nothing named waits for the next page's report to name it, then is said as is", () => {
    const events = [hmrSocket(126_000)]
    const at = (now: number, reports: ClientReport[]) => diagnose(evidence(now, events, reports), context)[0]
    const watcherReport = closesReport(steady)
    expect(at(200_000, [watcherReport])).toMatchObject({ proxy: 'unknown', pendingUntil: 200_000 + SETTLE_MS })
    const named = { ...closesReport(steady), at: 201_000, announced: 'nginx' as const }
    expect(at(201_000, [watcherReport, named])).toMatchObject({ proxy: 'nginx' })
    expect(at(201_000, [watcherReport, named])).not.toHaveProperty('pendingUntil')
    expect(at(200_000 + SETTLE_MS, [watcherReport])).not.toHaveProperty('pendingUntil')
  })

  test("each turn's report leaves the wait where the loop's first report set it", () => {
    const events = [hmrSocket(126_000)]
    const at = (now: number, reports: ClientReport[]) => diagnose(evidence(now, events, reports), context)[0]
    const first = closesReport(steady)
    const next = { ...closesReport(steady), at: 200_000 + SETTLE_MS - 100 }
    expect(at(next.at, [first, next])).toMatchObject({ pendingUntil: 200_000 + SETTLE_MS })
    expect(at(200_000 + SETTLE_MS, [first, next])).toMatchObject({ proxy: 'unknown' })
    expect(at(200_000 + SETTLE_MS, [first, next])).not.toHaveProperty('pendingUntil')
  })

  test("Vite's own view of the closes is counted: same page, within a second of the browser's loop", () => {
    const closedAt = (at: number, origin = 'http://localhost:8080'): ServerEvent => ({
      kind: 'hmr-socket-closed',
      request: { ...hmrSocket(at, { origin }).request },
      openForMs: 60_000,
      code: 1006,
    })
    const events = [
      closedAt(62_300),
      closedAt(124_100),
      closedAt(188_900),
      closedAt(40_000),
      closedAt(125_000, 'http://elsewhere.test'),
    ]
    const findings = diagnose(evidence(200_000, events, [closesReport(steady)]), context)
    expect(findings).toEqual([expect.objectContaining({ cause: 'idle-timeout', seenByVite: 3 })])
  })

  test.each<{ name: string; closes: CloseRecord[]; serverStartedAt?: number }>([
    { name: 'one close', closes: [close(62_000, 60_000)] },
    { name: 'no closes', closes: [] },
    { name: 'every close before this server started (a restart)', closes: steady, serverStartedAt: 190_000 },
    { name: 'only one close left after a restart', closes: steady, serverStartedAt: 150_000 },
    { name: 'unsteady idle times: 2 s and 9 s', closes: [close(10_000, 2000), close(30_000, 9000)] },
    { name: 'just outside 10 %: 53.999 s against 60 s', closes: [close(1000, 53_999), close(2000, 60_000)] },
    { name: 'just outside 250 ms: 2.0 s against 2.251 s', closes: [close(1000, 2000), close(2000, 2251)] },
    {
      name: 'two of the latest four agree: no majority',
      closes: [close(1000, 2000), close(2000, 7000), close(3000, 2100), close(4000, 12_000)],
    },
    // A ping interval derived from these would flood every client: no proxy times out that fast.
    { name: 'steady closes under a second idle', closes: [close(1000, 700), close(2000, 700), close(3000, 700)] },
    { name: 'steady closes at zero idle', closes: [close(1000, 0), close(2000, 0)] },
  ])('nothing for $name', ({ closes, serverStartedAt = 0 }) => {
    const reports = [closesReport(closes)]
    expect(diagnose(evidence(200_000, [], reports), { ...context, serverStartedAt })).toEqual([])
  })

  /** The same pseudo-random space on every run: many more readings than a table could list. */
  function seeded(seed: number): () => number {
    let state = seed
    return () => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31
      return state / 2 ** 31
    }
  }

  function diagnosed(idleTimes: readonly number[]) {
    const closes = idleTimes.map((idleMs, index) => close((index + 1) * 200_000, idleMs))
    return diagnose(evidence(2_000_000, [], [closesReport(closes)]), context)
  }

  describe.each([1, 2, 3, 5, 10, 30, 60, 75, 120, 300])(
    'a proxy timing out after %i s, read with jitter',
    (seconds) => {
      const timeoutMs = seconds * 1000
      const random = seeded(seconds)
      // A proxy closes a little early, a busy page notes the close a little late, and now and then much later.
      const jitter = () => Math.round(timeoutMs - 150 + random() * 250)
      const late = () => Math.round(timeoutMs + 300 + random() * 2500)
      const loops = Array.from({ length: 40 }, () => {
        const readings = Array.from({ length: 8 }, jitter)
        const lateAt = Math.floor(random() * 10)
        if (lateAt < readings.length) readings[lateAt] = late()
        return readings
      })

      test('every report of the loop that yields a finding names the setting, so the first one printed is right', () => {
        for (const readings of loops) {
          for (let count = 2; count <= readings.length; count += 1) {
            const seen = readings.slice(0, count)
            const findings = diagnosed(seen)
            // Three closes or more hold at most one late reading among the latest: always a loop.
            if (count >= 3) expect(findings, `readings ${seen.join(', ')}`).toHaveLength(1)
            for (const finding of findings) {
              expect(finding, `readings ${seen.join(', ')}`).toMatchObject({ cause: 'idle-timeout', timeoutMs })
              if (finding.cause !== 'idle-timeout') continue
              // The seen line keeps the readings as measured.
              expect(seen).toContain(finding.idleRangeMs[0])
              expect(seen).toContain(finding.idleRangeMs[1])
            }
          }
        }
      })
    },
  )

  test('scattered closes never look like a loop, in any order or number', () => {
    const random = seeded(7)
    // Rungs far enough apart that no two agree: every close a different cause.
    const rungs = Array.from({ length: 18 }, (_, index) => Math.round(1000 * 1.3 ** index))
    for (let trial = 0; trial < 200; trial += 1) {
      const count = 2 + Math.floor(random() * 7)
      const picked = [...rungs].sort(() => random() - 0.5).slice(0, count)
      expect(diagnosed(picked), `readings ${picked.join(', ')}`).toEqual([])
    }
  })
})
