import { describe, expect, test } from 'vitest'
import { diagnose } from '../../../src/diagnose/diagnose.js'
import type { FallbackState } from '../../../src/diagnose/finding-types.js'
import type { ClientReport, RequestSnapshot, ServerEvent } from '../../../src/evidence/evidence-types.js'
import { timing } from '../../../src/shared/timing.js'
import {
  context,
  evidence,
  failedDirect,
  failedProxied,
  hmrSocket,
  openedDirect,
  report,
  request,
  socket,
  stripped,
} from '../../fixtures.js'

test('a fallback socket still dialling when the report left is not a failed fallback', () => {
  const dialling = socket({ url: 'ws://localhost:5173/?token=…', closeCode: null, closedAfterMs: null })
  const reports = [report(2000, [socket({ url: 'ws://localhost:8080/?token=…' }), dialling])]
  const findings = diagnose(evidence(5000, [stripped(1000)], reports), context)
  expect(findings).toEqual([expect.objectContaining({ cause: 'upgrade-stripped', fallback: 'unknown' })])
})

describe('the proxy of a flattened handshake whose own marks were wiped', () => {
  // nginx with `proxy_http_version 1.1` and `Connection ""` leaves no mark on the request; its Server header
  // on the page's probe of the socket URL names it.
  const handshake = stripped(1000, { httpVersion: '1.1', connection: null, proxy: 'unknown' })

  test.each<{ server: string | null; origin: string; proxy: string }>([
    { server: 'nginx/1.22.1', origin: 'http://localhost:8080', proxy: 'nginx' },
    { server: 'Apache/2.4.71 (Debian)', origin: 'http://localhost:8080', proxy: 'apache' },
    { server: 'Caddy', origin: 'http://localhost:8080', proxy: 'caddy' },
    { server: 'cloudflare', origin: 'http://localhost:8080', proxy: 'cloudflare' },
    { server: null, origin: 'http://localhost:8080', proxy: 'unknown' },
    { server: 'Microsoft-IIS/10.0', origin: 'http://localhost:8080', proxy: 'unknown' },
    // Another page's report says nothing about this handshake's proxy.
    { server: 'nginx/1.22.1', origin: 'http://other.test', proxy: 'unknown' },
  ])('Server $server from $origin: $proxy', ({ server, origin, proxy }) => {
    const probed = socket({ hop: { kind: 'vite-page', status: 200, server } })
    const findings = diagnose(evidence(5000, [handshake], [report(1100, [probed], origin)]), context)
    expect(findings.find((finding) => finding.cause === 'upgrade-stripped')).toMatchObject({ proxy })
  })

  test("waits for the page's report, which may name the proxy, even once Vite's direct fallback opened", () => {
    const direct = hmrSocket(1050, { origin: 'http://localhost:8080' })
    const [waiting] = diagnose(evidence(1100, [handshake, direct]), context)
    expect(waiting).toMatchObject({
      cause: 'upgrade-stripped',
      proxy: 'unknown',
      pendingUntil: 1000 + timing.fallbackSettleMs,
    })
    const probed = socket({ hop: { kind: 'vite-page', status: 200, server: 'nginx/1.22.1' } })
    const [settled] = diagnose(evidence(1300, [handshake, direct], [report(1200, [probed])]), context)
    expect(settled).toMatchObject({ cause: 'upgrade-stripped', proxy: 'nginx' })
    expect(settled?.pendingUntil).toBeUndefined()
  })
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
      events: [stripped(1000, { origin: null, hostSource: 'local' })],
      reports: [report(2600, [socket({ url: 'wss://app.test/?token=…' })], 'https://app.test')],
      handshake: { origin: null, hostSource: 'local' },
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
