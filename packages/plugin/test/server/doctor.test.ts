import { stripVTControlCharacters } from 'node:util'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import type { ClientReport, RequestSnapshot, ServerEvent } from '../../src/evidence/evidence-types.js'
import { createDoctor } from '../../src/server/doctor.js'
import { timing } from '../../src/shared/timing.js'
import { clientServed, hmrSocket, report, request, socket, stripped, viteFacts } from '../fixtures.js'

const GRACE_MS = timing.socketGraceMs
const NGINX_SUMMARY = 'nginx drops the WebSocket upgrade'

/** A doctor on fake timers whose terminal is a list of what it printed, colours stripped. */
function doctorUnderTest(facts = viteFacts()) {
  const printed: string[] = []
  const errors: unknown[] = []
  const enabled: number[] = []
  let keepaliveMs: number | null = null
  const doctor = createDoctor({
    logger: { warn: (message: string) => printed.push(stripVTControlCharacters(message)) },
    errors: (_where, error) => errors.push(error),
    context: () => ({ facts, socketGraceMs: GRACE_MS, serverStartedAt: 0 }),
    keepalive: {
      get intervalMs() {
        return keepaliveMs
      },
      onIdleTimeout(idleMs) {
        keepaliveMs ??= idleMs / 2
        enabled.push(idleMs)
      },
    },
  })
  return { doctor, printed, errors, enabled }
}

/** The handshake a bare nginx flattens, as it arrives now: the page's token in its query. */
function flattenedNow(overrides: Partial<RequestSnapshot> = {}): ServerEvent {
  return stripped(Date.now(), overrides)
}

/** A junk page request Vite's host check refuses: anyone can send one, with any Host. */
function junkPage(host: string): ServerEvent {
  const junk = request({ at: Date.now(), host, origin: null, wsProtocol: null, hasToken: false, vouched: false })
  return { kind: 'host-blocked', request: junk }
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})

afterEach(() => {
  vi.useRealTimers()
})

describe('timing', () => {
  test('a flattened handshake waits for the fallback, then speaks when its window ends, not before', () => {
    const { doctor, printed } = doctorUnderTest()
    doctor.observe(flattenedNow())
    vi.advanceTimersByTime(timing.fallbackSettleMs - 1)
    expect(printed).toEqual([])
    vi.advanceTimersByTime(1)
    expect(printed).toHaveLength(1)
    expect(printed[0]).toContain(NGINX_SUMMARY)
  })

  test("the fallback socket's arrival settles the verdict at once: no wait for the window", () => {
    const { doctor, printed } = doctorUnderTest()
    doctor.observe(flattenedNow())
    vi.advanceTimersByTime(30)
    doctor.observe(hmrSocket(Date.now()))
    expect(printed).toHaveLength(1)
    expect(printed[0]).toContain("HMR works only through Vite's direct fallback")
    expect(vi.getTimerCount()).toBe(0)
  })

  test("the browser's report settles it at once, and the browser gets the same finding", () => {
    const { doctor, printed } = doctorUnderTest()
    doctor.observe(flattenedNow())
    const failed = [socket(), socket({ url: 'ws://localhost:5173/?token=…' })]
    const answer = doctor.report(report(Date.now(), failed))
    expect(printed).toHaveLength(1)
    expect(printed[0]).toContain("Vite's direct fallback to port 5173 failed too")
    expect(answer.messages.map((message) => message.title)).toEqual([
      `[hmr-doctor] ${NGINX_SUMMARY}: the HMR handshake reaches Vite as a plain request.`,
    ])
  })

  test('without a direct fallback (a port is configured) there is nothing to wait for', () => {
    const { doctor, printed } = doctorUnderTest(viteFacts({ directFallback: false, hmr: { clientPort: 8080 } }))
    doctor.observe(flattenedNow())
    expect(printed).toHaveLength(1)
  })

  test('later events never push the diagnosis back: a junk request every 100 ms changes nothing', () => {
    const { doctor, printed } = doctorUnderTest()
    doctor.observe(flattenedNow())
    for (let elapsed = 0; elapsed < timing.fallbackSettleMs; elapsed += 100) {
      vi.advanceTimersByTime(100)
      doctor.observe(junkPage(`junk${elapsed}.test`))
    }
    expect(printed.some((text) => text.includes(NGINX_SUMMARY))).toBe(true)
  })

  test('a page whose socket arrives within the grace: no timer left behind, nothing said', () => {
    const { doctor, printed } = doctorUnderTest()
    doctor.observe(clientServed(Date.now()))
    expect(vi.getTimerCount()).toBe(1)
    vi.advanceTimersByTime(GRACE_MS - 1)
    doctor.observe(hmrSocket(Date.now()))
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(GRACE_MS * 2)
    expect(printed).toEqual([])
  })

  test('a page whose socket never comes: said once the grace has passed', () => {
    const { doctor, printed } = doctorUnderTest()
    doctor.observe(clientServed(Date.now()))
    vi.advanceTimersByTime(GRACE_MS)
    expect(printed).toHaveLength(1)
    expect(printed[0]).toContain("The browser's HMR socket never reached Vite.")
  })

  test('one timer, however many findings are pending', () => {
    const { doctor } = doctorUnderTest()
    for (let index = 0; index < 50; index += 1) {
      doctor.observe(clientServed(Date.now()))
      doctor.observe(flattenedNow())
      vi.advanceTimersByTime(10)
    }
    expect(vi.getTimerCount()).toBe(1)
  })

  test('close() stops the timer', () => {
    const { doctor, printed } = doctorUnderTest()
    doctor.observe(flattenedNow())
    doctor.close()
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(timing.fallbackSettleMs * 2)
    expect(printed).toEqual([])
  })
})

describe('de-duplication', () => {
  test('each distinct finding once, however often its evidence comes again', () => {
    const { doctor, printed } = doctorUnderTest()
    for (let index = 0; index < 5; index += 1) {
      doctor.observe(flattenedNow())
      vi.advanceTimersByTime(timing.fallbackSettleMs)
    }
    expect(printed).toHaveLength(1)
  })

  test('an idle-timeout loop starts the keepalive once, and the message says so', () => {
    const { doctor, printed, enabled } = doctorUnderTest()
    const closes = [0, 1, 2].map((index) => ({
      at: Date.now() - 9000 + index * 3000,
      openForMs: 2100,
      idleMs: 2000,
      code: 1006,
    }))
    const loop: ClientReport = { ...report(Date.now(), []), closes }
    // A socket that names its proxy: a loop through an unnamed one waits for a page to name it first.
    doctor.observe(hmrSocket(Date.now() - 10_000, { proxy: 'nginx' }))
    for (const close of closes) doctor.observe(socketClosed(close.at, close.openForMs))
    doctor.report(loop)
    doctor.report(loop)
    expect(enabled).toEqual([2000, 2000])
    expect(printed).toHaveLength(1)
    expect(printed[0]).toContain('Until then the doctor pings each HMR client every 1.0 s')
  })

  test.each([
    [1900, 2010, 1960, 2040],
    [2050, 1870, 2600, 1990],
    [1850, 2700, 1950, 2000, 1880],
    [59_900, 60_040, 62_100, 59_950],
  ])('a loop read with jitter (%j): said once, with the setting from the first report on', (...readings) => {
    const { doctor, printed } = doctorUnderTest()
    doctor.observe(hmrSocket(Date.now() - 10_000))
    const closes: ClientReport['closes'] = []
    for (const idleMs of readings) {
      vi.advanceTimersByTime(idleMs + 500)
      closes.push({ at: Date.now(), openForMs: idleMs + 100, idleMs, code: 1006 })
      doctor.report({ ...report(Date.now(), []), closes: [...closes] })
    }
    expect(printed).toHaveLength(1)
    const setting = Math.round((readings[0] ?? 0) / 1000)
    expect(printed[0]).toContain(`The proxy closes the HMR socket after ${setting} s idle`)
  })
})

describe('evidence lives as long as the finding it explains', () => {
  test('a diagnosed nginx, then fixed: no event in the minute after ever draws a second finding', () => {
    const { doctor, printed } = doctorUnderTest()
    doctor.observe(flattenedNow())
    vi.advanceTimersByTime(200)
    doctor.report(report(Date.now(), [socket(), socket({ url: 'ws://localhost:5173/?token=…' })]))
    expect(printed).toHaveLength(1)
    expect(printed[0]).toContain(NGINX_SUMMARY)
    // The fixed page's sockets open, anyone asks for Vite's client: through and past the moment the
    // handshake would have been forgotten before its report.
    for (let elapsed = 0; elapsed < 125_000; elapsed += 100) {
      vi.advanceTimersByTime(100)
      doctor.observe(
        elapsed % 1000 === 0 ? hmrSocket(Date.now()) : clientServed(Date.now(), { fetchSite: 'cross-site' }),
      )
    }
    expect(printed).toHaveLength(1)
  })
})

describe('a report that left without its probe’s answer (the page went first)', () => {
  test('waits for the next page’s report of the same failure, and only that richer finding is printed', () => {
    const { doctor, printed } = doctorUnderTest()
    doctor.report(report(Date.now(), [socket()]))
    expect(printed).toEqual([])
    vi.advanceTimersByTime(1500)
    doctor.report(report(Date.now(), [socket({ hop: { kind: 'other', status: 502, server: 'nginx/1.26.3' } })]))
    vi.advanceTimersByTime(2 * GRACE_MS)
    expect(printed.map((text) => text.split('\n')[0])).toMatchInlineSnapshot(`
      [
        "[hmr-doctor] nginx answered 502 for /: it can't reach Vite at the upstream it uses there.",
      ]
    `)
  })

  test('with no later report, says what it saw once the socket grace has passed', () => {
    const { doctor, printed } = doctorUnderTest()
    doctor.report(report(Date.now(), [socket()]))
    vi.advanceTimersByTime(GRACE_MS - 1)
    expect(printed).toEqual([])
    vi.advanceTimersByTime(1)
    expect(printed.map((text) => text.split('\n')[0])).toMatchInlineSnapshot(`
      [
        "[hmr-doctor] The browser's HMR socket never reached Vite.",
      ]
    `)
  })
})

describe('a failure fixed is confirmed once', () => {
  const CONFIRMED =
    '[hmr-doctor] HMR works now: the page at http://localhost:8080 opened its socket for / through the route that was failing.'

  test('nginx diagnosed, then fixed: its first socket through nginx gets one line, later ones none', () => {
    const { doctor, printed } = doctorUnderTest()
    doctor.observe(flattenedNow())
    vi.advanceTimersByTime(timing.fallbackSettleMs)
    expect(printed).toHaveLength(1)
    vi.advanceTimersByTime(30_000)
    // Through nginx now: its marks, HTTP/1.1 with the upgrade, and the Host the fix has it send.
    const throughNginx = { host: 'localhost', proxy: 'nginx' as const }
    doctor.observe(hmrSocket(Date.now(), throughNginx))
    vi.advanceTimersByTime(5000)
    doctor.observe(hmrSocket(Date.now(), throughNginx))
    expect(printed).toEqual([printed[0], CONFIRMED])
  })

  test("Vite's direct fallback from a page still failing is no recovery", () => {
    const { doctor, printed } = doctorUnderTest()
    doctor.observe(flattenedNow())
    vi.advanceTimersByTime(timing.fallbackSettleMs)
    vi.advanceTimersByTime(10_000)
    // The page reloads: the proxy flattens its handshake again, and the fallback opens straight at Vite.
    doctor.observe(flattenedNow())
    vi.advanceTimersByTime(30)
    doctor.observe(hmrSocket(Date.now(), { host: 'localhost:5173', proxy: 'unknown' }))
    expect(printed.filter((text) => text.includes('HMR works now'))).toEqual([])
  })

  test('through a proxy that left no marks: the same Host, and no flattened handshake just before it', () => {
    const { doctor, printed } = doctorUnderTest()
    const unmarked = { proxy: 'unknown' as const, host: 'vite:5173' }
    doctor.observe(flattenedNow(unmarked))
    doctor.report(report(Date.now(), [socket(), socket({ url: 'ws://localhost:5173/?token=…' })]))
    expect(printed).toHaveLength(1)
    vi.advanceTimersByTime(10_000)
    doctor.observe(flattenedNow(unmarked))
    doctor.observe(hmrSocket(Date.now(), { host: 'vite:5173' }))
    expect(printed).toHaveLength(1)
    vi.advanceTimersByTime(timing.fallbackSettleMs + 1)
    doctor.observe(hmrSocket(Date.now(), { host: 'localhost:5173' }))
    expect(printed).toHaveLength(1)
    doctor.observe(hmrSocket(Date.now(), { host: 'vite:5173' }))
    expect(printed.at(-1)).toContain('HMR works now')
  })
})

describe('a report’s answer says nothing about anyone else', () => {
  test('another page’s report gets nothing of this page’s finding; this page’s report gets it', () => {
    const { doctor } = doctorUnderTest()
    doctor.observe(flattenedNow({ host: 'dev-box.internal:8080' }))
    vi.advanceTimersByTime(timing.fallbackSettleMs)
    const other = 'http://attacker.example'
    const elsewhere = doctor.report(report(Date.now(), [socket({ url: `ws://attacker.example/` })], other))
    expect(JSON.stringify(elsewhere)).not.toContain('dev-box')
    expect(elsewhere.messages.every((message) => !message.title.includes(NGINX_SUMMARY))).toBe(true)
    const own = doctor.report(report(Date.now(), [socket()]))
    expect(own.messages.map((message) => message.title)).toContain(
      `[hmr-doctor] ${NGINX_SUMMARY}: the HMR handshake reaches Vite as a plain request.`,
    )
  })
})

/** A token-bearing socket of the page on localhost:8080 that Vite saw close at `at`, after `openForMs`. */
function socketClosed(at: number, openForMs: number): ServerEvent {
  const { request } = hmrSocket(at - openForMs) as Extract<ServerEvent, { kind: 'hmr-socket' }>
  return { kind: 'hmr-socket-closed', request: { ...request, at }, openForMs, code: 1006 }
}

test.each([
  ['Vite saw no socket of that page', []],
  ['a real socket that closed at once, then forged closes', [50]],
  ['real sockets that closed sooner than the timeout the report gives', [300, 400, 500]],
])('forged closes start no pings (the report secret is served to every page): %s', (_, opened) => {
  const { doctor, enabled } = doctorUnderTest()
  const closes = [0, 1, 2].map((index) => ({
    at: Date.now() - 9000 + index * 3000,
    openForMs: 1100,
    idleMs: 1000,
    code: 1006,
  }))
  opened.forEach((openForMs, index) => {
    doctor.observe(socketClosed(Date.now() - 9000 + index * 3000, openForMs))
  })
  doctor.report({ ...report(Date.now(), []), closes })
  expect(enabled).toEqual([])
})

describe('junk cannot drown the genuine diagnosis', () => {
  test('32 made-up Hosts first, then a genuine nginx failure: printed, with its own values', () => {
    const { doctor, printed } = doctorUnderTest()
    for (let index = 0; index < 32; index += 1) {
      doctor.observe(junkPage(`made-up-${index}.test`))
      vi.advanceTimersByTime(50)
    }
    doctor.observe(flattenedNow({ host: 'vite:5173', hostSource: 'local' }))
    vi.advanceTimersByTime(timing.fallbackSettleMs)
    const genuine = printed.find((text) => text.includes(NGINX_SUMMARY))
    expect(genuine).toContain('proxy_pass http://vite:5173;')
  })

  test('64 junk events right after the genuine one do not evict it', () => {
    const { doctor, printed } = doctorUnderTest()
    doctor.observe(flattenedNow())
    for (let index = 0; index < 64; index += 1) {
      doctor.observe(flattenedNow({ vouched: false, hasToken: false, origin: `http://junk${index}.test` }))
    }
    vi.advanceTimersByTime(timing.fallbackSettleMs)
    expect(printed.filter((text) => text.includes(NGINX_SUMMARY))).toHaveLength(1)
    expect(printed.join('\n')).not.toContain('junk')
  })

  test("an attacker's handshake on the same path first does not pre-empt the genuine one", () => {
    const { doctor, printed } = doctorUnderTest()
    const attacker = {
      vouched: false,
      hasToken: false,
      host: 'attacker-upstream.evil.test:6666',
      origin: 'http://www.evil.test',
    }
    doctor.observe(flattenedNow(attacker))
    vi.advanceTimersByTime(timing.fallbackSettleMs)
    expect(printed).toEqual([])
    doctor.observe(flattenedNow({ host: 'vite:5173', hostSource: 'local' }))
    vi.advanceTimersByTime(timing.fallbackSettleMs)
    expect(printed).toHaveLength(1)
    expect(printed[0]).toContain('proxy_pass http://vite:5173;')
    expect(printed[0]).not.toContain('evil')
  })

  // The token and the report secret are served to every page: anyone who loads one can forge these.
  test('64 forged distinct findings of every kind first, then a genuine nginx failure: printed', () => {
    const { doctor, printed } = doctorUnderTest()
    for (let index = 0; index < 64; index += 1) {
      doctor.observe(flattenedNow({ host: `forged-${index}.attacker.example:6666` }))
      doctor.report(report(Date.now(), [socket({ url: `ws://forged-${index}.attacker.example:6666/` })]))
      vi.advanceTimersByTime(timing.fallbackSettleMs)
    }
    doctor.observe(flattenedNow({ host: 'vite:5173', hostSource: 'local' }))
    vi.advanceTimersByTime(timing.fallbackSettleMs)
    expect(printed.at(-1)).toContain('proxy_pass http://vite:5173;')
  })

  test('unverified findings have a budget of their own: a flood of refused names is cut short', () => {
    const { doctor, printed } = doctorUnderTest()
    for (let index = 0; index < 100; index += 1) {
      // Each name asked twice, so each in turn is the most asked-for.
      doctor.observe(junkPage(`made-up-${index}.test`))
      doctor.observe(junkPage(`made-up-${index}.test`))
      vi.advanceTimersByTime(10)
    }
    expect(printed.length).toBeLessThanOrEqual(8)
  })
})

test('a bug in a rule or renderer is handed to the error sink, and the doctor carries on', () => {
  const printed: string[] = []
  const errors: unknown[] = []
  let calls = 0
  const doctor = createDoctor({
    logger: { warn: (message: string) => printed.push(message) },
    errors: (_where, error) => errors.push(error),
    context: () => {
      calls += 1
      if (calls === 1) throw new Error('boom')
      return { facts: viteFacts(), socketGraceMs: GRACE_MS, serverStartedAt: 0 }
    },
    keepalive: { intervalMs: null, onIdleTimeout: () => {} },
  })
  doctor.observe(clientServed(Date.now()))
  expect(errors).toEqual([new Error('boom')])
  doctor.observe(clientServed(Date.now()))
  vi.advanceTimersByTime(GRACE_MS)
  expect(printed).toHaveLength(1)
})
