import { describe, expect, test } from 'vitest'
import type { ProxyKind } from '../../src/evidence/evidence-types.js'
import { fingerprintProxy, type RequestLike, snapshotRequest } from '../../src/evidence/request-snapshot.js'

/** A request as Node parses it: names as sent in rawHeaders, lowercased keys in headers. */
function incoming(httpVersion: string, raw: [string, string][], url = '/?token=abc123'): RequestLike {
  const headers: Record<string, string> = {}
  for (const [name, value] of raw) headers[name.toLowerCase()] ??= value
  return { method: 'GET', url, httpVersion, headers, rawHeaders: raw.flat() }
}

const KEY = 'dGhlIHNhbXBsZSBub25jZQ=='

test.each<{ name: string; request: RequestLike; proxy: ProxyKind }>([
  {
    name: 'nginx: HTTP/1.0 with Connection: close',
    request: incoming('1.0', [
      ['Host', 'localhost:5173'],
      ['Connection', 'close'],
      ['Origin', 'http://localhost:8080'],
      ['Sec-WebSocket-Key', KEY],
      ['Sec-WebSocket-Version', '13'],
      ['Sec-WebSocket-Protocol', 'vite-hmr'],
    ]),
    proxy: 'nginx',
  },
  {
    name: 'Apache: X-Forwarded-Server',
    request: incoming('1.1', [
      ['Host', 'localhost:5173'],
      ['Origin', 'http://localhost:8080'],
      ['Sec-WebSocket-Key', KEY],
      ['Sec-WebSocket-Version', '13'],
      ['X-Forwarded-For', '127.0.0.1'],
      ['X-Forwarded-Host', 'localhost:8080'],
      ['X-Forwarded-Server', 'localhost'],
      ['Connection', 'close'],
    ]),
    proxy: 'apache',
  },
  {
    name: 'Caddy: Go-canonical Sec-Websocket-Key',
    request: incoming('1.1', [
      ['Host', 'localhost:8080'],
      ['Origin', 'http://localhost:8080'],
      ['Sec-Websocket-Key', KEY],
      ['Sec-Websocket-Version', '13'],
      ['X-Forwarded-For', '127.0.0.1'],
      ['X-Forwarded-Proto', 'http'],
    ]),
    proxy: 'caddy',
  },
  {
    name: 'HAProxy: every name lowercase, with sec-websocket-key',
    request: incoming('1.1', [
      ['host', 'localhost:8080'],
      ['origin', 'http://localhost:8080'],
      ['sec-websocket-key', KEY],
      ['sec-websocket-version', '13'],
      ['x-forwarded-for', '127.0.0.1'],
    ]),
    proxy: 'haproxy',
  },
  {
    name: 'HAProxy deleting Connection: lowercase, and no Connection at all',
    request: incoming('1.1', [
      ['host', 'localhost:8080'],
      ['sec-websocket-key', KEY],
      ['sec-websocket-protocol', 'vite-hmr'],
    ]),
    proxy: 'haproxy',
  },
  {
    name: "undici (@fastify/http-proxy): lowercase, the handshake's Connection turned keep-alive",
    request: incoming('1.1', [
      ['host', '127.0.0.1:5173'],
      ['connection', 'keep-alive'],
      ['origin', 'http://127.0.0.2:8080'],
      ['sec-websocket-key', KEY],
      ['sec-websocket-protocol', 'vite-hmr'],
    ]),
    proxy: 'node',
  },
  {
    name: "HAProxy: a browser's request (its report), every name lowercase, with sec-fetch-site",
    request: incoming('1.1', [
      ['host', 'localhost:8080'],
      ['content-type', 'text/plain;charset=UTF-8'],
      ['origin', 'http://localhost:8080'],
      ['sec-fetch-site', 'same-origin'],
      ['x-forwarded-for', '127.0.0.1'],
    ]),
    proxy: 'haproxy',
  },
  {
    name: "lowercase names with neither a handshake's nor a browser's headers: any HTTP library's",
    request: incoming('1.1', [
      ['host', 'localhost:5173'],
      ['content-type', 'text/plain'],
      ['accept', '*/*'],
    ]),
    proxy: 'unknown',
  },
  {
    name: 'a browser straight to Vite: canonical names over HTTP/1.1',
    request: incoming('1.1', [
      ['Host', 'localhost:5173'],
      ['Connection', 'Upgrade'],
      ['Upgrade', 'websocket'],
      ['Origin', 'http://localhost:5173'],
      ['Sec-WebSocket-Version', '13'],
      ['Sec-WebSocket-Key', KEY],
      ['Sec-WebSocket-Protocol', 'vite-hmr'],
    ]),
    proxy: 'unknown',
  },
  {
    name: 'lowercase names without a WebSocket key (a script, not HAProxy)',
    request: incoming('1.1', [
      ['host', 'localhost:5173'],
      ['accept', '*/*'],
    ]),
    proxy: 'unknown',
  },
  {
    name: 'HTTP/1.0 that keeps the connection alive',
    request: incoming('1.0', [
      ['Host', 'localhost:5173'],
      ['Connection', 'keep-alive'],
    ]),
    proxy: 'unknown',
  },
  { name: 'no headers at all', request: incoming('1.1', []), proxy: 'unknown' },
  {
    name: 'nginx with HTTP/1.1: the headers it sets come before Host',
    request: incoming('1.1', [
      ['Upgrade', 'websocket'],
      ['Connection', 'keep-alive'],
      ['Host', '127.0.0.1:5173'],
      ['User-Agent', 'Chrome'],
      ['Origin', 'http://localhost:8080'],
      ['Sec-WebSocket-Key', KEY],
    ]),
    proxy: 'nginx',
  },
  {
    name: 'nginx with HTTP/1.1 and its default Connection: close on a handshake',
    request: incoming('1.1', [
      ['Host', '127.0.0.1:5173'],
      ['Connection', 'close'],
      ['Sec-WebSocket-Key', KEY],
    ]),
    proxy: 'nginx',
  },
  {
    name: 'nginx downgrading a handshake to HTTP/1.0 with its Connection cleared',
    request: incoming('1.0', [
      ['Host', '127.0.0.1:5173'],
      ['Sec-WebSocket-Key', KEY],
    ]),
    proxy: 'nginx',
  },
  {
    name: "Node's own client: lowercase names, Host last (no proxy)",
    request: incoming('1.1', [
      ['connection', 'Upgrade'],
      ['upgrade', 'websocket'],
      ['sec-websocket-key', KEY],
      ['Host', '127.0.0.1:5173'],
    ]),
    proxy: 'unknown',
  },
  {
    name: 'Traefik: Go-canonical names with X-Real-Ip and X-Forwarded-Server',
    request: incoming('1.1', [
      ['Host', 'app.test'],
      ['Sec-Websocket-Key', KEY],
      ['X-Forwarded-Host', 'app.test'],
      ['X-Forwarded-Server', 'traefik-6d9'],
      ['X-Real-Ip', '10.0.0.2'],
    ]),
    proxy: 'traefik',
  },
  {
    name: 'Caddy on a page report (no WebSocket key): Go-canonical names with X-Forwarded-Host',
    request: incoming('1.1', [
      ['Accept', '*/*'],
      ['Host', 'app.test'],
      ['Sec-Ch-Ua', '"Chromium"'],
      ['X-Forwarded-For', '127.0.0.1'],
      ['X-Forwarded-Host', 'app.test'],
      ['X-Forwarded-Proto', 'http'],
    ]),
    proxy: 'caddy',
  },
  {
    name: 'Caddy behind Cloudflare: the nearer hop wins',
    request: incoming('1.1', [
      ['Cf-Ray', '8a1b'],
      ['Host', 'app.test'],
      ['Sec-Websocket-Key', KEY],
      ['X-Forwarded-Host', 'app.test'],
    ]),
    proxy: 'caddy',
  },
  {
    name: 'cloudflared straight to Vite: Go-canonical, no X-Forwarded-Host, Cf-Ray',
    request: incoming('1.1', [
      ['Cdn-Loop', 'cloudflare'],
      ['Cf-Ray', '8a1b'],
      ['Host', 'app.test'],
      ['Sec-Websocket-Key', KEY],
    ]),
    proxy: 'cloudflare',
  },
  {
    name: 'an AWS load balancer: X-Amzn-Trace-Id',
    request: incoming('1.1', [
      ['Host', 'app.test'],
      ['X-Amzn-Trace-Id', 'Root=1-67891233'],
      ['Sec-WebSocket-Key', KEY],
    ]),
    proxy: 'aws-alb',
  },
  {
    name: "Google Cloud's load balancer: Via 1.1 google",
    request: incoming('1.1', [
      ['Host', 'app.test'],
      ['Via', '1.1 google'],
      ['Sec-WebSocket-Key', KEY],
    ]),
    proxy: 'google-lb',
  },
  {
    name: 'Azure Front Door: X-Azure-Ref',
    request: incoming('1.1', [
      ['Host', 'app.test'],
      ['X-Azure-Ref', '0abc'],
    ]),
    proxy: 'azure-front-door',
  },
])('fingerprintProxy: $name → $proxy', ({ request, proxy }) => {
  expect(fingerprintProxy(request)).toBe(proxy)
})

describe('snapshotRequest', () => {
  test('keeps what the diagnosis reads, and the pathname without its query', () => {
    const request = incoming(
      '1.0',
      [
        ['Host', 'localhost:5173'],
        ['Connection', 'close'],
        ['Origin', 'http://localhost:8080'],
        ['Sec-WebSocket-Key', KEY],
        ['Sec-WebSocket-Protocol', 'vite-hmr'],
      ],
      '/app/?token=abc123',
    )
    expect(snapshotRequest(request, 42, 'abc123')).toEqual({
      at: 42,
      method: 'GET',
      path: '/app/',
      hasToken: true,
      vouched: true,
      httpVersion: '1.0',
      host: 'localhost:5173',
      origin: 'http://localhost:8080',
      connection: 'close',
      upgrade: null,
      wsProtocol: 'vite-hmr',
      proxy: 'nginx',
      localPort: null,
      fetchSite: null,
      refererOrigin: null,
    })
  })

  test.each([
    { url: '/?token=abc123', path: '/', hasToken: true },
    { url: '/app/hmr?foo=1&token=abc123#x', path: '/app/hmr', hasToken: true },
    { url: '/?token=', path: '/', hasToken: true },
    { url: '/?foo=1', path: '/', hasToken: false },
    { url: '/?xtoken=abc123', path: '/', hasToken: false },
    { url: '/app/', path: '/app/', hasToken: false },
  ])('$url → path $path, hasToken $hasToken', ({ url, path, hasToken }) => {
    const snapshot = snapshotRequest(incoming('1.1', [], url), 0, undefined)
    expect({ path: snapshot.path, hasToken: snapshot.hasToken }).toEqual({ path, hasToken })
    expect(JSON.stringify(snapshot)).not.toContain('abc123')
  })

  test('a missing url is the root', () => {
    expect(snapshotRequest({ httpVersion: '1.1', headers: {}, rawHeaders: [] }, 0, undefined)).toMatchObject({
      method: 'GET',
      path: '/',
      hasToken: false,
    })
  })

  test('the first of a repeated header is kept', () => {
    const request: RequestLike = {
      httpVersion: '1.1',
      headers: { upgrade: ['websocket', 'h2c'] },
      rawHeaders: ['Upgrade', 'websocket', 'Upgrade', 'h2c'],
    }
    expect(snapshotRequest(request, 0, undefined).upgrade).toBe('websocket')
  })

  test.each([
    { name: 'ANSI colour', value: 'http://\u001b[31mevil\u001b[0m.test', cleaned: 'http://evil.test' },
    { name: 'cursor movement and erase', value: 'a\u001b[2J\u001b[1;1Hb', cleaned: 'ab' },
    { name: 'C1 CSI', value: 'a\u009b31mb', cleaned: 'ab' },
    { name: 'bidi override', value: 'http://a.test/\u202eexe.txt', cleaned: 'http://a.test/exe.txt' },
    { name: 'carriage return and NUL', value: 'a\r\u0000b', cleaned: 'ab' },
  ])('$name in a header value is stripped', ({ value, cleaned }) => {
    const snapshot = snapshotRequest(incoming('1.1', [['Origin', value]]), 0, undefined)
    expect(snapshot.origin).toBe(cleaned)
  })

  test('control characters are stripped from path, method and version too', () => {
    const request: RequestLike = {
      method: 'G\u001bET',
      url: '/a\u001b[31m/b?token=x',
      httpVersion: '1.\u00071',
      headers: {},
      rawHeaders: [],
    }
    expect(snapshotRequest(request, 0, undefined)).toMatchObject({ method: 'GET', path: '/a/b', httpVersion: '1.1' })
  })

  test.each([
    { field: 'origin', header: 'Origin', max: 200 },
    { field: 'host', header: 'Host', max: 200 },
    { field: 'connection', header: 'Connection', max: 200 },
  ] as const)('a long $header is capped at $max characters', ({ field, header, max }) => {
    const snapshot = snapshotRequest(incoming('1.1', [[header, 'a'.repeat(5000)]]), 0, undefined)
    expect(snapshot[field]).toBe(`${'a'.repeat(max - 1)}…`)
  })

  test('a long method and path are capped', () => {
    const request: RequestLike = {
      method: 'X'.repeat(100),
      url: `/${'p'.repeat(500)}`,
      httpVersion: '1.1',
      headers: {},
      rawHeaders: [],
    }
    const snapshot = snapshotRequest(request, 0, undefined)
    expect(snapshot.method).toBe(`${'X'.repeat(15)}…`)
    expect(snapshot.path).toBe(`/${'p'.repeat(198)}…`)
  })
})
