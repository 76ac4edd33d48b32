import { describe, expect, test } from 'vitest'
import { diagnose, findingKey } from '../../src/diagnose/diagnose.js'
import type { Finding } from '../../src/diagnose/finding-types.js'
import type { ClientReport, ServerEvent } from '../../src/evidence/evidence-types.js'
import {
  clientServed,
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
} from '../fixtures.js'

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
