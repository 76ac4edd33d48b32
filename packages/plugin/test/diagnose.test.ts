import { describe, expect, test } from 'vitest'
import { type DiagnoseContext, diagnose, findingKey } from '../src/diagnose/diagnose.js'
import type { FallbackState, Finding } from '../src/diagnose/finding-types.js'
import { socketNeverArrived } from '../src/diagnose/rules/socket-never-arrived.js'
import type { ClientReport, RequestSnapshot, ServerEvent } from '../src/evidence/evidence-types.js'
import { timing } from '../src/shared/timing.js'
import { clientServed, evidence, hmrSocket, report, request, socket, stripped, viteFacts } from './fixtures.js'

const GRACE_MS = 3000
const context: DiagnoseContext = { facts: viteFacts(), socketGraceMs: GRACE_MS, serverStartedAt: 0 }

const failedProxied = socket()
const failedDirect = socket({ url: 'ws://localhost:5173/?token=…', closedAfterMs: 3 })
const openedDirect = socket({
  url: 'ws://localhost:5173/?token=…',
  opened: true,
  closeCode: null,
  openedAfterMs: 8,
  closedAfterMs: null,
})

describe('upgrade-stripped', () => {
  test.each<{
    name: string
    events: ServerEvent[]
    reports?: ClientReport[]
    handshake?: Partial<RequestSnapshot>
    pageOrigin: string | null
    fallback: FallbackState
    upstream?: string | null
  }>([
    {
      name: 'a later socket from the same page means the direct fallback works',
      events: [stripped(1000), hmrSocket(1050)],
      pageOrigin: 'http://localhost:8080',
      fallback: 'works',
    },
    {
      name: 'a report whose second socket opened means the fallback works',
      events: [stripped(1000)],
      reports: [report(2600, [failedProxied, openedDirect])],
      pageOrigin: 'http://localhost:8080',
      fallback: 'works',
    },
    {
      name: 'a socket Vite accepted outweighs a report that says the fallback failed',
      events: [stripped(1000), hmrSocket(1050)],
      reports: [report(2600, [failedProxied, failedDirect])],
      pageOrigin: 'http://localhost:8080',
      fallback: 'works',
    },
    {
      name: 'a report with two sockets, none opened, means the fallback fails',
      events: [stripped(1000)],
      reports: [report(2600, [failedProxied, failedDirect])],
      pageOrigin: 'http://localhost:8080',
      fallback: 'fails',
    },
    {
      name: 'no socket and no report leaves the fallback unknown',
      events: [stripped(1000)],
      pageOrigin: 'http://localhost:8080',
      fallback: 'unknown',
    },
    {
      name: 'a report of one socket leaves the fallback unknown (it was never tried)',
      events: [stripped(1000)],
      reports: [report(2600, [failedProxied])],
      pageOrigin: 'http://localhost:8080',
      fallback: 'unknown',
    },
    {
      name: "another page's socket says nothing about this page's fallback",
      events: [stripped(1000), hmrSocket(1050, { origin: 'http://localhost:3000' })],
      pageOrigin: 'http://localhost:8080',
      fallback: 'unknown',
    },
    {
      name: 'a socket accepted before the handshake is not its fallback',
      events: [hmrSocket(900), stripped(1000)],
      pageOrigin: 'http://localhost:8080',
      fallback: 'unknown',
    },
    {
      name: 'a socket without Origin cannot be matched to the page',
      events: [stripped(1000), hmrSocket(1050, { origin: null })],
      pageOrigin: 'http://localhost:8080',
      fallback: 'unknown',
    },
    {
      name: "a handshake without Origin takes the page from the browser's report",
      events: [stripped(1000, { origin: null })],
      reports: [report(2600, [socket({ url: 'wss://app.test/?token=…' })], 'https://app.test')],
      handshake: { origin: null },
      pageOrigin: 'https://app.test',
      fallback: 'unknown',
      // With no page hostname to tell it from, the vouched-for Host is taken as the upstream nginx dials.
      upstream: 'localhost:5173',
    },
  ])('$name', ({ events, reports = [], handshake = {}, pageOrigin, fallback, upstream = null }) => {
    expect(diagnose(evidence(5000, events, reports), context)).toEqual([
      {
        cause: 'upgrade-stripped',
        proxy: 'nginx',
        handshake: request({ at: 1000, ...handshake }),
        lost: ['Upgrade', 'Connection'],
        hmrServer: false,
        pageOrigin,
        fallback,
        upstream,
        pageHostname: pageOrigin ? new URL(pageOrigin).hostname : null,
        // Vite's client falls back straight to Vite: until that settles (or its window ends) the verdict may change.
        ...(fallback === 'unknown' ? { pendingUntil: 1000 + timing.fallbackSettleMs } : {}),
      },
    ])
  })

  test('the latest vite-hmr handshake is the one diagnosed', () => {
    const events = [stripped(1000, { proxy: 'apache' }), stripped(1200, { proxy: 'nginx' })]
    expect(diagnose(evidence(5000, events), context)).toMatchObject([{ proxy: 'nginx', handshake: { at: 1200 } }])
  })
})

describe('socket-never-arrived: the proxy that held the socket', () => {
  const url = 'ws://localhost:8080/?token=…'
  const timedOut = socket({ url, hop: { kind: 'timeout', status: null, server: null } })
  const proxyOf = (sockets: ReturnType<typeof socket>[], through: Partial<ClientReport>) => {
    // The rule alone: a socket dialled off the client's origin is another rule's finding too.
    const finding = socketNeverArrived(evidence(5000, [], [{ ...report(2000, sockets), ...through }]), context)
    return finding?.cause === 'socket-never-arrived' ? (finding.proxy ?? null) : 'no finding'
  }

  test.each([
    {
      name: "the report's own, where it went to the socket's scheme, host and port",
      clientOrigin: 'http://localhost:8080',
      proxy: 'haproxy',
    },
    {
      name: 'not where the report went to another port: another hop',
      clientOrigin: 'http://localhost:5173',
      proxy: null,
    },
    { name: 'not where it went to another host', clientOrigin: 'http://127.0.0.1:8080', proxy: null },
    {
      name: 'not where it went over TLS and the socket dialled plain',
      clientOrigin: 'https://localhost:8080',
      proxy: null,
    },
  ])('$name', ({ clientOrigin, proxy }) => {
    expect(proxyOf([timedOut], { clientOrigin, proxy: 'haproxy' })).toBe(proxy)
  })

  test('not when the probe was answered or never sent, nor when the report came through no proxy it knows', () => {
    const unanswered = socket({ url, hop: { kind: 'no-answer', status: null, server: null } })
    expect(proxyOf([unanswered], { proxy: 'haproxy' })).toBe(null)
    expect(proxyOf([socket({ url })], { proxy: 'haproxy' })).toBe(null)
    expect(proxyOf([timedOut], {})).toBe(null)
  })
})

describe('socket-never-arrived', () => {
  test.each<{ name: string; events: ServerEvent[]; reports?: ClientReport[]; now?: number; expected: Finding }>([
    {
      name: 'a page loaded the client and no socket came within the grace period',
      events: [clientServed(1000)],
      now: 1000 + GRACE_MS,
      expected: {
        cause: 'socket-never-arrived',
        pageOrigin: 'http://localhost:8080',
        socketUrl: null,
        fallback: 'unknown',
      },
    },
    {
      name: 'without Sec-Fetch headers, a load whose Referer is the host it reached is same-origin',
      events: [clientServed(1000, { fetchSite: null, host: 'app.test', refererOrigin: 'http://app.test' })],
      expected: { cause: 'socket-never-arrived', pageOrigin: 'http://app.test', socketUrl: null, fallback: 'unknown' },
    },
    {
      name: 'no Referer leaves the page origin unknown',
      events: [clientServed(1000, { refererOrigin: null })],
      expected: { cause: 'socket-never-arrived', pageOrigin: null, socketUrl: null, fallback: 'unknown' },
    },
    {
      name: 'before the grace period has passed, the finding waits for it',
      events: [clientServed(1000)],
      now: 1000 + GRACE_MS - 1,
      expected: {
        cause: 'socket-never-arrived',
        pageOrigin: 'http://localhost:8080',
        socketUrl: null,
        fallback: 'unknown',
        pendingUntil: 1000 + GRACE_MS,
      },
    },
    {
      name: 'a socket from before the client was served does not count',
      events: [hmrSocket(900), clientServed(1000)],
      expected: {
        cause: 'socket-never-arrived',
        pageOrigin: 'http://localhost:8080',
        socketUrl: null,
        fallback: 'unknown',
      },
    },
    {
      name: 'the browser reports a failed socket that Vite never saw',
      events: [],
      reports: [report(2000, [failedProxied])],
      expected: {
        cause: 'socket-never-arrived',
        pageOrigin: 'http://localhost:8080',
        socketUrl: 'ws://localhost:8080/?token=…',
        fallback: 'unknown',
        failed: failedProxied,
      },
    },
    {
      name: 'both sockets failed and Vite saw neither',
      events: [],
      reports: [report(2000, [failedProxied, failedDirect])],
      expected: {
        cause: 'socket-never-arrived',
        pageOrigin: 'http://localhost:8080',
        socketUrl: 'ws://localhost:8080/?token=…',
        fallback: 'fails',
        failed: failedProxied,
      },
    },
    {
      name: 'the proxied socket failed though the direct fallback reached Vite',
      events: [hmrSocket(1500)],
      reports: [report(2000, [failedProxied, openedDirect])],
      expected: {
        cause: 'socket-never-arrived',
        pageOrigin: 'http://localhost:8080',
        socketUrl: 'ws://localhost:8080/?token=…',
        fallback: 'works',
        failed: failedProxied,
      },
    },
  ])('$name', ({ events, reports = [], now = 10_000, expected }) => {
    expect(diagnose(evidence(now, events, reports), context)).toEqual([expected])
  })
})

describe('no finding', () => {
  test.each<{ name: string; events: ServerEvent[]; reports?: ClientReport[]; now?: number }>([
    { name: 'no evidence at all', events: [] },
    {
      name: "a stripped vite-ping alone (Vite's liveness probe, not the HMR socket)",
      events: [stripped(1000, { wsProtocol: 'vite-ping' })],
    },
    { name: 'a stripped handshake without a subprotocol', events: [stripped(1000, { wsProtocol: null })] },
    { name: 'healthy: the client was served, then its socket arrived', events: [clientServed(1000), hmrSocket(1200)] },
    {
      // Any site can load the client with a script tag; that says nothing about a page of this setup.
      name: 'a cross-site page loaded the client',
      events: [clientServed(1000, { fetchSite: 'cross-site', origin: 'http://evil.test' })],
    },
    {
      name: 'a load with an Origin and no Sec-Fetch headers (a cross-origin module load)',
      events: [clientServed(1000, { fetchSite: null, origin: 'http://evil.test' })],
    },
    {
      name: 'a load whose Referer names another host than it reached (forged, or another site)',
      events: [clientServed(1000, { fetchSite: null, refererOrigin: 'http://evil.test' })],
    },
    {
      name: "a token-less flattened handshake (anyone's) is no sign the page's socket arrived, nor a finding",
      events: [stripped(1000, { vouched: false, hasToken: false, origin: 'http://evil.test' })],
    },
    {
      name: 'a report in which every socket opened',
      events: [],
      reports: [report(2000, [openedDirect])],
    },
    {
      name: 'a failed socket Vite had seen before the report (it arrived, then closed)',
      events: [hmrSocket(1500)],
      reports: [report(2000, [failedProxied])],
    },
  ])('$name', ({ events, reports = [], now = 10_000 }) => {
    expect(diagnose(evidence(now, events, reports), context)).toEqual([])
  })
})

test('a specific finding suppresses the generic one for the same failure', () => {
  const generic = [clientServed(5000)]
  const reports = [report(6000, [socket({ url: 'ws://localhost:3000/?token=…' })], 'http://localhost:3000')]
  // Without the flattened handshake the generic rule fires, so its absence below is the suppression at work.
  expect(diagnose(evidence(10_000, generic, reports), context).map((finding) => finding.cause)).toEqual([
    'socket-never-arrived',
  ])
  expect(
    diagnose(evidence(10_000, [stripped(1000), ...generic], reports), context).map((finding) => finding.cause),
  ).toEqual(['upgrade-stripped'])
})

function upgradeStripped(overrides: Partial<Extract<Finding, { cause: 'upgrade-stripped' }>>): Finding {
  return {
    cause: 'upgrade-stripped',
    proxy: 'nginx',
    handshake: request(),
    lost: ['Upgrade', 'Connection'],
    hmrServer: false,
    pageOrigin: null,
    fallback: 'unknown',
    upstream: null,
    pageHostname: null,
    ...overrides,
  }
}

describe('findingKey', () => {
  // The doctor prints once per key: a fallback that settles later must not print the same fix twice.
  test('upgrade-stripped keeps one key whatever the fallback turned out to be', () => {
    const findings = [
      diagnose(evidence(5000, [stripped(1000), hmrSocket(1050)]), context),
      diagnose(evidence(5000, [stripped(1000)], [report(2600, [failedProxied, failedDirect])]), context),
      diagnose(evidence(5000, [stripped(1000)]), context),
    ].flat()
    expect(findings.map((finding) => finding.cause === 'upgrade-stripped' && finding.fallback)).toEqual([
      'works',
      'fails',
      'unknown',
    ])
    expect(new Set(findings.map(findingKey))).toEqual(new Set(['upgrade-stripped / null localhost']))
  })

  test('socket-never-arrived keeps one key whatever the fallback turned out to be', () => {
    const findings = [
      diagnose(evidence(5000, [], [report(2000, [failedProxied])]), context),
      diagnose(evidence(5000, [], [report(2000, [failedProxied, failedDirect])]), context),
      diagnose(evidence(5000, [hmrSocket(1500)], [report(2000, [failedProxied, openedDirect])]), context),
    ].flat()
    expect(findings.map((finding) => finding.cause === 'socket-never-arrived' && finding.fallback)).toEqual([
      'unknown',
      'fails',
      'works',
    ])
    expect(new Set(findings.map(findingKey))).toEqual(new Set(['socket-never-arrived ws://localhost:8080/?token=…']))
  })

  test.each<{ name: string; a: Finding; b: Finding }>([
    {
      name: 'handshakes at different paths',
      a: upgradeStripped({}),
      b: upgradeStripped({ handshake: request({ path: '/app/' }) }),
    },
    {
      name: 'different upstreams to print',
      a: upgradeStripped({ upstream: 'vite:5173' }),
      b: upgradeStripped({ upstream: null }),
    },
    {
      name: 'different hostnames to allow',
      a: upgradeStripped({ pageHostname: 'a.test' }),
      b: upgradeStripped({ pageHostname: 'b.test' }),
    },
    {
      name: 'pages at different origins',
      a: { cause: 'socket-never-arrived', pageOrigin: 'http://a.test', socketUrl: null, fallback: 'unknown' },
      b: { cause: 'socket-never-arrived', pageOrigin: 'http://b.test', socketUrl: null, fallback: 'unknown' },
    },
  ])('differs for $name', ({ a, b }) => {
    expect(findingKey(a)).not.toBe(findingKey(b))
  })
})
