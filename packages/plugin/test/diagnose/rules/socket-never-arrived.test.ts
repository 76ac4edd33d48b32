import { describe, expect, test } from 'vitest'
import { diagnose } from '../../../src/diagnose/diagnose.js'
import type { Finding } from '../../../src/diagnose/finding-types.js'
import { socketNeverArrived } from '../../../src/diagnose/rules/socket-never-arrived.js'
import type { ClientReport, ServerEvent } from '../../../src/evidence/evidence-types.js'
import {
  clientServed,
  context,
  evidence,
  failedDirect,
  failedProxied,
  hmrSocket,
  openedDirect,
  report,
  socket,
} from '../../fixtures.js'

const GRACE_MS = 3000

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

describe('socket-never-arrived: a report that left without its probe’s answer (the page went first)', () => {
  const answered = socket({ hop: { kind: 'other', status: 502, server: 'nginx' } })
  const causes = (reports: ClientReport[], now = 10_000) =>
    diagnose(evidence(now, [], reports), context).map(({ cause, pendingUntil }) => ({ cause, pendingUntil }))

  test('waits the socket grace for the next page’s report, then says what it saw', () => {
    expect(causes([report(2000, [failedProxied])], 2000 + GRACE_MS - 1)).toMatchInlineSnapshot(`
      [
        {
          "cause": "socket-never-arrived",
          "pendingUntil": 5000,
        },
      ]
    `)
    expect(causes([report(2000, [failedProxied])], 2000 + GRACE_MS)).toMatchInlineSnapshot(`
      [
        {
          "cause": "socket-never-arrived",
          "pendingUntil": undefined,
        },
      ]
    `)
  })

  test('is completed by a later report of the same failure that has the answer', () => {
    expect(causes([report(2000, [failedProxied]), report(3000, [answered])], 3000)).toMatchInlineSnapshot(`
      [
        {
          "cause": "proxy-error",
          "pendingUntil": undefined,
        },
      ]
    `)
  })

  test('never replaces an earlier report of the same failure that had the answer', () => {
    expect(causes([report(2000, [answered]), report(3000, [failedProxied])], 3000)).toMatchInlineSnapshot(`
      [
        {
          "cause": "proxy-error",
          "pendingUntil": undefined,
        },
      ]
    `)
  })

  test('nor a later one of another page, or of another socket, which tells its own story', () => {
    const otherPage = report(3000, [socket({ url: 'ws://localhost:9090/?token=…' })], 'http://localhost:9090')
    const otherSocket = report(3000, [socket({ url: 'ws://localhost:8080/other?token=…' })])
    expect(causes([report(2000, [answered]), otherPage], 3000 + GRACE_MS)[0]?.cause).toBe('socket-never-arrived')
    expect(causes([report(2000, [answered]), otherSocket], 3000 + GRACE_MS)[0]?.cause).toBe('socket-never-arrived')
  })
})
