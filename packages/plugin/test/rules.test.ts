import { describe, expect, test } from 'vitest'
import { type DiagnoseContext, diagnose } from '../src/diagnose/diagnose.js'
import type { Cause, Finding } from '../src/diagnose/finding-types.js'
import { strippedPrefix } from '../src/diagnose/rules/client-unreached.js'
import { settingsTowardPage } from '../src/diagnose/rules/socket-misdirected.js'
import type {
  ClientReport,
  CloseRecord,
  PageReport,
  ProxyKind,
  RequestSnapshot,
  ServerEvent,
} from '../src/evidence/evidence-types.js'
import { timing } from '../src/shared/timing.js'
import type { ViteFacts } from '../src/vite/vite-facts.js'
import { clientServed, evidence, hmrSocket, report, request, socket, stripped, viteFacts } from './fixtures.js'

const context: DiagnoseContext = { facts: viteFacts(), socketGraceMs: 3000, serverStartedAt: 0 }

/** A handshake that reached Vite as a real upgrade (a proxy that forwards it right, or the browser itself). */
function handshakeRequest(at: number, overrides: Partial<RequestSnapshot> = {}): RequestSnapshot {
  return request({
    at,
    httpVersion: '1.1',
    connection: 'Upgrade',
    upgrade: 'websocket',
    proxy: 'unknown',
    ...overrides,
  })
}

function handshake(at: number, overrides: Partial<RequestSnapshot> = {}): ServerEvent {
  return { kind: 'handshake', request: handshakeRequest(at, overrides) }
}

/** A page navigation: no Origin, no token, no subprotocol. */
function pageRequest(at: number, overrides: Partial<RequestSnapshot> = {}): RequestSnapshot {
  return request({
    at,
    hasToken: false,
    vouched: false,
    httpVersion: '1.1',
    origin: null,
    connection: 'keep-alive',
    wsProtocol: null,
    proxy: 'unknown',
    ...overrides,
  })
}

function page(
  kind: 'host-blocked' | 'outside-base',
  at: number,
  overrides: Partial<RequestSnapshot> = {},
): ServerEvent {
  return { kind, request: pageRequest(at, overrides) }
}

function causes(findings: Finding[]): Cause[] {
  return findings.map((finding) => finding.cause)
}

describe('host-rejected', () => {
  test.each<{ name: string; events: ServerEvent[]; facts?: ViteFacts; expected: Finding }>([
    {
      name: 'a page request Vite refused (403): the hostname without its port',
      events: [page('host-blocked', 1000, { host: 'app.test:8080' })],
      expected: {
        cause: 'host-rejected',
        via: 'page',
        request: pageRequest(1000, { host: 'app.test:8080' }),
        hostname: 'app.test',
        verified: false,
      },
    },
    {
      name: 'the latest refused page is the one named',
      events: [page('host-blocked', 1000, { host: 'old.test' }), page('host-blocked', 2000, { host: 'new.test' })],
      expected: {
        cause: 'host-rejected',
        via: 'page',
        request: pageRequest(2000, { host: 'new.test' }),
        hostname: 'new.test',
        verified: false,
      },
    },
    {
      // One name asked for again and again (a user reloading) outweighs one-off made-up names.
      name: 'the refused name asked for most is the one named',
      events: [
        page('host-blocked', 1000, { host: 'app.test' }),
        page('host-blocked', 1100, { host: 'app.test' }),
        page('host-blocked', 1200, { host: 'junk1.test' }),
        page('host-blocked', 1300, { host: 'junk2.test' }),
      ],
      expected: {
        cause: 'host-rejected',
        via: 'page',
        request: pageRequest(1100, { host: 'app.test' }),
        hostname: 'app.test',
        verified: false,
      },
    },
    {
      // A handshake with this server's token proves its page; a refused page request proves nothing.
      name: 'a refused handshake with the token outranks refused pages',
      events: [handshake(900, { host: 'ws.test' }), page('host-blocked', 1000, { host: 'app.test' })],
      expected: {
        cause: 'host-rejected',
        via: 'handshake',
        request: handshakeRequest(900, { host: 'ws.test' }),
        hostname: 'ws.test',
        verified: true,
      },
    },
    {
      name: 'an HMR handshake on the HMR path whose Host Vite refuses (a silent 400)',
      events: [handshake(1000, { host: 'app.test' })],
      expected: {
        cause: 'host-rejected',
        via: 'handshake',
        request: handshakeRequest(1000, { host: 'app.test' }),
        hostname: 'app.test',
        verified: true,
      },
    },
    {
      name: 'under base /app/, the handshake on /app/ with a port in its Host',
      events: [handshake(1000, { path: '/app/', host: 'app.test:8443' })],
      facts: viteFacts({ base: '/app/', hmrPath: '/app/', clientPath: '/app/@vite/client' }),
      expected: {
        cause: 'host-rejected',
        via: 'handshake',
        request: handshakeRequest(1000, { path: '/app/', host: 'app.test:8443' }),
        hostname: 'app.test',
        verified: true,
      },
    },
    {
      // nginx's default Host is `$proxy_host`: the compose layout's `proxy_pass http://vite:5173`.
      name: 'refused pages from nginx whose Host carries the port they arrived on: the name nginx dialled',
      events: [page('host-blocked', 1000, { host: 'vite:5173', proxy: 'nginx', localPort: 5173 })],
      expected: {
        cause: 'host-rejected',
        via: 'upstream',
        request: pageRequest(1000, { host: 'vite:5173', proxy: 'nginx', localPort: 5173 }),
        hostname: 'vite',
        verified: false,
      },
    },
    ...[
      { why: 'no proxy recognised', host: 'vite:5173', proxy: 'unknown', localPort: 5173 },
      { why: 'another port than the one it arrived on', host: 'vite:8080', proxy: 'nginx', localPort: 5173 },
      { why: 'no port', host: 'vite', proxy: 'nginx', localPort: 5173 },
      { why: 'an unknown arrival port', host: 'vite:5173', proxy: 'nginx', localPort: null },
    ].map(({ why, ...request }) => ({
      name: `a refused page with ${why} is a name as seen, not the proxy's upstream`,
      events: [page('host-blocked', 1000, request as Partial<RequestSnapshot>)],
      expected: {
        cause: 'host-rejected' as const,
        via: 'page' as const,
        request: pageRequest(1000, request as Partial<RequestSnapshot>),
        hostname: 'vite',
        verified: false,
      },
    })),
    {
      name: "a host outside the allowedHosts list (a suffix entry doesn't cover a look-alike)",
      events: [handshake(1000, { host: 'badexample.com' })],
      facts: viteFacts({ allowedHosts: ['.example.com'] }),
      expected: {
        cause: 'host-rejected',
        via: 'handshake',
        request: handshakeRequest(1000, { host: 'badexample.com' }),
        hostname: 'badexample.com',
        verified: true,
      },
    },
  ])('$name', ({ events, facts = viteFacts(), expected }) => {
    expect(diagnose(evidence(5000, events), { ...context, facts })).toEqual([expected])
  })

  test.each<{ name: string; events: ServerEvent[]; facts?: ViteFacts }>([
    { name: 'a handshake with Host localhost', events: [handshake(1000, { host: 'localhost:5173' })] },
    { name: 'a handshake with an IP address', events: [handshake(1000, { host: '192.168.1.20:5173' })] },
    { name: 'a handshake with an IPv6 address', events: [handshake(1000, { host: '[::1]:5173' })] },
    {
      name: 'a handshake whose host is listed in allowedHosts',
      events: [handshake(1000, { host: 'app.test:8080' })],
      facts: viteFacts({ allowedHosts: ['app.test'] }),
    },
    {
      name: 'a handshake whose host a suffix entry covers',
      events: [handshake(1000, { host: 'a.example.com' })],
      facts: viteFacts({ allowedHosts: ['.example.com'] }),
    },
    {
      name: 'allowedHosts: true lets any handshake through',
      events: [handshake(1000, { host: 'app.test' })],
      facts: viteFacts({ allowedHosts: true }),
    },
    { name: 'a handshake without Host', events: [handshake(1000, { host: null })] },
    {
      name: "a handshake without this server's token (anyone can send one)",
      events: [handshake(1000, { host: 'app.test', vouched: false })],
    },
  ])('nothing for $name', ({ events, facts = viteFacts() }) => {
    expect(diagnose(evidence(5000, events), { ...context, facts })).toEqual([])
  })

  test('a refused Host off the HMR path is not this cause: Vite never got to check it there', () => {
    const facts = viteFacts({ base: '/app/', hmrPath: '/app/' })
    const findings = diagnose(evidence(5000, [handshake(1000, { path: '/', host: 'app.test' })]), { ...context, facts })
    expect(causes(findings)).toEqual(['uri-rewritten'])
  })
})

describe('uri-rewritten', () => {
  const facts = viteFacts({ base: '/app/', hmrPath: '/app/', clientPath: '/app/@vite/client' })
  const NOW = 20_000

  test("a handshake at base while hmr.path is set is Vite's own direct fallback (it ignores the path), not the proxy", () => {
    const withPath = viteFacts({ base: '/', hmrPath: '/hmr' })
    expect(diagnose(evidence(5000, [handshake(1000, { path: '/' })]), { ...context, facts: withPath })).toEqual([])
  })

  test.each<{ name: string; events: ServerEvent[]; expected: Finding }>([
    {
      name: 'a handshake off the HMR path: the prefix was stripped',
      events: [handshake(1000, { path: '/' })],
      expected: {
        cause: 'uri-rewritten',
        what: 'prefix',
        request: handshakeRequest(1000, { path: '/' }),
        redirects: 0,
        upstream: null,
      },
    },
    {
      name: "an off-path handshake still counts after Vite's direct fallback arrived on the right path",
      events: [handshake(1000, { path: '/' }), handshake(1100, { path: '/app/', host: '127.0.0.1:5173' })],
      expected: {
        cause: 'uri-rewritten',
        what: 'prefix',
        request: handshakeRequest(1000, { path: '/' }),
        redirects: 0,
        upstream: null,
      },
    },
    {
      name: 'a bare proxy_pass with a path sends its upstream as Host: that is the upstream to keep',
      events: [handshake(1000, { path: '/', host: 'vite:5173' })],
      expected: {
        cause: 'uri-rewritten',
        what: 'prefix',
        request: handshakeRequest(1000, { path: '/', host: 'vite:5173' }),
        redirects: 0,
        upstream: 'vite:5173',
      },
    },
    {
      name: "a handshake with an Origin and no token, whose page's direct fallback came with the token: the query was dropped",
      events: [
        handshake(1000, { path: '/app/', hasToken: false, vouched: false }),
        handshake(1050, { path: '/app/', host: '127.0.0.1:5173' }),
      ],
      expected: {
        cause: 'uri-rewritten',
        what: 'query',
        request: handshakeRequest(1000, { path: '/app/', hasToken: false, vouched: false }),
        redirects: 0,
        upstream: null,
      },
    },
    {
      name: 'three pages outside base within 10 s (the oldest exactly 10 s ago): a redirect loop',
      events: [
        page('outside-base', NOW - 10_000, { path: '/' }),
        page('outside-base', NOW - 5000, { path: '/' }),
        page('outside-base', NOW - 1000, { path: '/' }),
      ],
      expected: {
        cause: 'uri-rewritten',
        what: 'prefix',
        request: pageRequest(NOW - 1000, { path: '/' }),
        redirects: 3,
        upstream: null,
      },
    },
    {
      name: 'the redirects counted are only those within the window',
      events: [
        page('outside-base', NOW - 30_000, { path: '/' }),
        page('outside-base', NOW - 9000, { path: '/' }),
        page('outside-base', NOW - 6000, { path: '/' }),
        page('outside-base', NOW - 3000, { path: '/' }),
        page('outside-base', NOW - 100, { path: '/index.html' }),
      ],
      expected: {
        cause: 'uri-rewritten',
        what: 'prefix',
        request: pageRequest(NOW - 100, { path: '/index.html' }),
        redirects: 4,
        upstream: null,
      },
    },
  ])('$name', ({ events, expected }) => {
    expect(diagnose(evidence(NOW, events), { ...context, facts })).toEqual([expected])
  })

  test.each<{ name: string; events: ServerEvent[] }>([
    {
      // Vite requires the token only from pages that send an Origin; without one the handshake is fine.
      name: 'a handshake with neither Origin nor token',
      events: [handshake(1000, { path: '/app/', hasToken: false, origin: null })],
    },
    { name: 'a handshake on the path with its token', events: [handshake(1000, { path: '/app/' })] },
    {
      // Any web page can dial Vite with the subprotocol and no token; nothing legitimate vouches for it.
      name: 'a token-less handshake from an origin nothing vouches for',
      events: [handshake(1000, { path: '/app/', hasToken: false, vouched: false, origin: 'http://evil.test' })],
    },
    {
      name: 'an off-path handshake without the token (a made-up path from anyone)',
      events: [handshake(1000, { path: '/x', hasToken: false, vouched: false })],
    },
    {
      name: 'two pages outside base: a typo, not a loop',
      events: [page('outside-base', NOW - 2000), page('outside-base', NOW - 1000)],
    },
    {
      // Three loads of `/` outside base, each redirected and followed: the pages loaded Vite's client under base.
      name: 'three redirects into base, a page loading the client after them: page loads, no loop',
      events: [
        page('outside-base', NOW - 3000),
        clientServed(NOW - 2900),
        hmrSocket(NOW - 2800),
        page('outside-base', NOW - 2000),
        page('outside-base', NOW - 1000),
      ],
    },
    {
      name: 'three pages outside base, one of them 10.001 s ago',
      events: [page('outside-base', NOW - 10_001), page('outside-base', NOW - 2000), page('outside-base', NOW - 1000)],
    },
    {
      name: 'three pages outside base, all long ago',
      events: [page('outside-base', 1000), page('outside-base', 1100), page('outside-base', 1200)],
    },
  ])('nothing for $name', ({ events }) => {
    expect(diagnose(evidence(NOW, events), { ...context, facts })).toEqual([])
  })
})

/** The page loaded Vite's client from its own origin (through the proxy), as a browser says with Sec-Fetch-Site. */
function clientThrough(pageOrigin: string): ServerEvent {
  return {
    kind: 'client-served',
    request: request({ at: 900, fetchSite: 'same-origin', refererOrigin: `${pageOrigin}` }),
  }
}

describe('socket-misdirected', () => {
  const separatePort = viteFacts({ hmr: { port: 24678 } })

  test.each<{ name: string; events?: ServerEvent[]; reports?: ClientReport[]; facts?: ViteFacts; expected: Finding }>([
    {
      name: "a failed socket to another port than the page's",
      reports: [report(2000, [socket({ url: 'ws://localhost:5173/?token=…' })])],
      expected: {
        cause: 'socket-misdirected',
        clientOrigin: 'http://localhost:8080',
        socketUrl: 'ws://localhost:5173/?token=…',
        opened: false,
        error: null,
        settings: { clientPort: 8080 },
        fallback: 'unknown',
      },
    },
    {
      name: "a failed socket to another host than the page's",
      reports: [report(2000, [socket({ url: 'ws://127.0.0.1:8080/?token=…' })])],
      expected: {
        cause: 'socket-misdirected',
        clientOrigin: 'http://localhost:8080',
        socketUrl: 'ws://127.0.0.1:8080/?token=…',
        opened: false,
        error: null,
        settings: { host: 'localhost' },
        fallback: 'unknown',
      },
    },
    {
      name: 'a ws: socket from an https page, refused by the browser',
      reports: [
        report(
          2000,
          [socket({ url: 'ws://app.test:443/?token=…', error: 'SecurityError: insecure WebSocket' })],
          'https://app.test',
        ),
      ],
      expected: {
        cause: 'socket-misdirected',
        clientOrigin: 'https://app.test',
        socketUrl: 'ws://app.test:443/?token=…',
        opened: false,
        error: 'SecurityError: insecure WebSocket',
        settings: { protocol: 'wss' },
        fallback: 'unknown',
      },
    },
    {
      name: 'the direct fallback failed too',
      reports: [
        report(2000, [
          socket({ url: 'ws://localhost:3000/?token=…' }),
          socket({ url: 'ws://localhost:5173/?token=…', closedAfterMs: 3 }),
        ]),
      ],
      expected: {
        cause: 'socket-misdirected',
        clientOrigin: 'http://localhost:8080',
        socketUrl: 'ws://localhost:3000/?token=…',
        opened: false,
        error: null,
        settings: { clientPort: 8080 },
        fallback: 'fails',
      },
    },
    {
      name: "a separate hmr.port is folded into Vite's own port",
      reports: [report(2000, [socket({ url: 'ws://localhost:24678/?token=…' })])],
      facts: separatePort,
      expected: {
        cause: 'socket-misdirected',
        clientOrigin: 'http://localhost:8080',
        socketUrl: 'ws://localhost:24678/?token=…',
        opened: false,
        error: null,
        settings: { clientPort: 8080, port: 5173 },
        fallback: 'unknown',
      },
    },
    {
      // Vite's client dials the page's hostname with hmr.port when no clientPort is set: this browser reached it.
      name: 'server side: a socket straight to the HMR port from a page served elsewhere',
      events: [
        clientThrough('http://localhost:8080'),
        hmrSocket(1000, { host: 'localhost:24678', origin: 'http://localhost:8080' }),
      ],
      facts: separatePort,
      expected: {
        cause: 'socket-misdirected',
        clientOrigin: 'http://localhost:8080',
        socketUrl: 'ws://localhost:24678/',
        opened: true,
        error: null,
        settings: { clientPort: 8080, port: 5173 },
        fallback: 'unknown',
      },
    },
    {
      name: 'server side: an https page gets a wss: URL on the HMR path',
      events: [
        clientThrough('https://app.test'),
        hmrSocket(1000, { host: 'app.test:24678', origin: 'https://app.test' }),
      ],
      facts: viteFacts({ hmr: { port: 24678 }, base: '/app/', hmrPath: '/app/' }),
      expected: {
        cause: 'socket-misdirected',
        clientOrigin: 'https://app.test',
        socketUrl: 'wss://app.test:24678/app/',
        opened: true,
        error: null,
        settings: { clientPort: 443, port: 5173 },
        fallback: 'unknown',
      },
    },
    {
      name: 'server side: the latest such socket is the one named',
      events: [
        clientThrough('http://localhost:8080'),
        clientThrough('http://app.test:3000'),
        hmrSocket(1000, { host: 'localhost:24678', origin: 'http://localhost:8080' }),
        hmrSocket(2000, { host: 'app.test:24678', origin: 'http://app.test:3000' }),
      ],
      facts: separatePort,
      expected: {
        cause: 'socket-misdirected',
        clientOrigin: 'http://app.test:3000',
        socketUrl: 'ws://app.test:24678/',
        opened: true,
        error: null,
        settings: { clientPort: 3000, port: 5173 },
        fallback: 'unknown',
      },
    },
    {
      // A backend page at :8000 loaded the client from :5173: only the client's origin is the socket's measure.
      name: 'a backend-rendered page: the socket aimed at the origin the client came from, whose host fails its grammar, gets no settings',
      reports: [
        {
          ...report(2000, [socket({ url: 'ws://localhost:5173/?token=…' })], 'http://localhost:8000'),
          clientOrigin: "http://x'+y.test:8080",
        },
      ],
      expected: {
        cause: 'socket-misdirected',
        clientOrigin: "http://x'+y.test:8080",
        socketUrl: 'ws://localhost:5173/?token=…',
        opened: false,
        error: null,
        settings: null,
        fallback: 'unknown',
      },
    },
  ])('$name', ({ events = [], reports = [], facts = viteFacts(), expected }) => {
    expect(diagnose(evidence(5000, events, reports), { ...context, facts })).toEqual([expected])
  })

  test("a backend-rendered page's socket to the origin its client came from is not misdirected", () => {
    const backend = {
      ...report(2000, [socket({ url: 'ws://localhost:5173/?token=…' })], 'http://localhost:8000'),
      clientOrigin: 'http://localhost:5173',
    }
    expect(causes(diagnose(evidence(5000, [], [backend]), context))).toEqual(['socket-never-arrived'])
  })

  test.each<{ name: string; events: ServerEvent[]; facts: ViteFacts }>([
    {
      // Without a separate port the browser dials Vite's own port, which a proxy route may well carry.
      name: "a socket at the page's hostname with Vite's port, without hmr.port",
      events: [hmrSocket(1000, { host: 'localhost:5173', origin: 'http://localhost:8080' })],
      facts: viteFacts(),
    },
    {
      name: "an hmr.port equal to Vite's own port",
      events: [hmrSocket(1000, { host: 'localhost:5173', origin: 'http://localhost:8080' })],
      facts: viteFacts({ hmr: { port: 5173 } }),
    },
    {
      // With clientPort set the user already chose where the browser dials; a socket on hmr.port came via the proxy.
      name: 'hmr.clientPort is set',
      events: [
        clientThrough('http://localhost:8080'),
        hmrSocket(1000, { host: 'localhost:24678', origin: 'http://localhost:8080' }),
      ],
      facts: viteFacts({ hmr: { port: 24678, clientPort: 8080 } }),
    },
    {
      name: "the page itself came from Vite's port",
      events: [hmrSocket(1000, { host: 'localhost:24678', origin: 'http://localhost:5173' })],
      facts: viteFacts({ hmr: { port: 24678 } }),
    },
    {
      name: 'middleware mode (no listen address)',
      events: [
        clientThrough('http://localhost:8080'),
        hmrSocket(1000, { host: 'localhost:24678', origin: 'http://localhost:8080' }),
      ],
      facts: viteFacts({ hmr: { port: 24678 }, listen: null }),
    },
    {
      // A proxy that rewrites Host to its upstream (nginx's $proxy_host) carried this socket; it did not bypass.
      name: "a Host that is not the page's hostname with hmr.port",
      events: [hmrSocket(1000, { host: 'vite:24678', origin: 'http://localhost:8080' })],
      facts: separatePort,
    },
    {
      name: "a socket whose Host is the page's own (the proxy carried it)",
      events: [hmrSocket(1000, { host: 'localhost:8080', origin: 'http://localhost:8080' })],
      facts: separatePort,
    },
    {
      name: 'a socket without Origin',
      events: [hmrSocket(1000, { host: 'localhost:24678', origin: null })],
      facts: separatePort,
    },
    {
      name: 'a socket with an unparsable Origin',
      events: [hmrSocket(1000, { host: 'localhost:24678', origin: 'null' })],
      facts: separatePort,
    },
    {
      name: 'a socket without Host',
      events: [hmrSocket(1000, { host: null, origin: 'http://localhost:8080' })],
      facts: separatePort,
    },
  ])('nothing for $name', ({ events, facts }) => {
    expect(diagnose(evidence(5000, events), { ...context, facts })).toEqual([])
  })

  test("a failed socket aimed at the page's own origin is left to the generic rule", () => {
    const reports = [report(2000, [socket({ url: 'ws://localhost:8080/?token=…' })])]
    expect(causes(diagnose(evidence(5000, [], reports), context))).toEqual(['socket-never-arrived'])
  })
})

describe('settingsTowardPage', () => {
  test.each<{
    name: string
    page: string
    socket: string
    facts?: ViteFacts
    expected: ReturnType<typeof settingsTowardPage>
  }>([
    {
      name: 'an https page, a ws: socket on 443',
      page: 'https://app.test',
      socket: 'ws://app.test:443/',
      expected: { protocol: 'wss' },
    },
    {
      // ws: without a port dials 80, so the port must follow the scheme to the page's 443.
      name: 'an https page, a ws: socket without a port',
      page: 'https://app.test',
      socket: 'ws://app.test/',
      expected: { protocol: 'wss', clientPort: 443 },
    },
    {
      name: 'an http page, a wss: socket',
      page: 'http://localhost:8080',
      socket: 'wss://localhost:8080/',
      expected: { protocol: 'ws' },
    },
    {
      name: 'a socket to 0.0.0.0',
      page: 'http://localhost:5173',
      socket: 'ws://0.0.0.0:5173/',
      expected: { host: 'localhost' },
    },
    {
      name: 'an https page on its default port',
      page: 'https://app.test',
      socket: 'wss://app.test:5173/',
      expected: { clientPort: 443 },
    },
    {
      name: 'an http page on its default port',
      page: 'http://app.test',
      socket: 'ws://app.test:5173/',
      expected: { clientPort: 80 },
    },
    {
      name: 'IPv6 hosts compare by hostname',
      page: 'http://[::1]:8080',
      socket: 'ws://[::1]:5173/',
      expected: { clientPort: 8080 },
    },
    {
      name: 'everything differs',
      page: 'https://app.test',
      socket: 'ws://localhost:5173/',
      expected: { protocol: 'wss', host: 'app.test', clientPort: 443 },
    },
    {
      name: "a separate hmr.port: Vite's port, and the page's port for the client",
      page: 'https://app.test',
      socket: 'wss://app.test:24678/',
      facts: viteFacts({ hmr: { port: 24678 } }),
      expected: { clientPort: 443, port: 5173 },
    },
    {
      name: 'hmr.port in middleware mode (no listen address): nothing to fold into',
      page: 'http://localhost:8080',
      socket: 'ws://localhost:24678/',
      facts: viteFacts({ hmr: { port: 24678 }, listen: null }),
      expected: { clientPort: 8080 },
    },
    { name: 'the same origin', page: 'http://localhost:8080', socket: 'ws://localhost:8080/?token=…', expected: null },
    {
      name: 'the same origin, default port written out',
      page: 'https://app.test',
      socket: 'wss://app.test:443/',
      expected: null,
    },
    {
      name: 'the same origin with a separate hmr.port',
      page: 'http://localhost:8080',
      socket: 'ws://localhost:8080/',
      facts: viteFacts({ hmr: { port: 24678 } }),
      expected: null,
    },
    { name: 'an unparsable page origin', page: 'null', socket: 'ws://localhost:5173/', expected: null },
    { name: 'an unparsable socket URL', page: 'http://localhost:8080', socket: 'ws://', expected: null },
  ])('$name', ({ page, socket, facts = viteFacts(), expected }) => {
    expect(settingsTowardPage(page, socket, facts)).toEqual(expected)
  })
})

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
      expected: { proxy: 'unknown', idleMs: 60_000, closes: 3, spanMs: 188_000, code: 1006 },
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
      // Even counts take the upper middle; the span starts when the first socket opened (openForMs before its close).
      name: 'two closes: the upper median, and span = last.at - (first.at - first.openForMs)',
      closes: [close(30_000, 2000), close(40_000, 2200)],
      expected: { idleMs: 2200, closes: 2, spanMs: 40_000 - (30_000 - 4000) },
    },
    {
      name: 'closes before this server started (a restart) are left out, the rest still steady',
      closes: steady,
      context: { serverStartedAt: 100_000 },
      expected: { closes: 2, idleMs: 60_020, spanMs: 188_000 - (125_000 - 61_500) },
    },
    {
      name: 'a close exactly at the server start counts',
      closes: steady,
      context: { serverStartedAt: 125_000 },
      expected: { closes: 2 },
    },
    {
      name: 'within 10 %: 54 s against 60 s',
      closes: [close(1000, 54_000), close(2000, 60_000)],
      expected: { idleMs: 60_000 },
    },
    {
      name: 'within 250 ms: 2.0 s against 2.25 s',
      closes: [close(1000, 2000), close(2000, 2250)],
      expected: { idleMs: 2250 },
    },
  ])('$name', ({ closes, events = [], context: overrides = {}, announced, expected }) => {
    const report = { ...closesReport(closes), ...(announced && { announced }) }
    const findings = diagnose(evidence(200_000, events, [report]), { ...context, ...overrides })
    expect(findings).toEqual([
      expect.objectContaining({ cause: 'idle-timeout', pageOrigin: 'http://localhost:8080', ...expected }),
    ])
  })

  test('the whole finding', () => {
    const events = [hmrSocket(126_000, { proxy: 'nginx' })]
    const findings = diagnose(evidence(200_000, events, [closesReport(steady, 'http://localhost:8080')]), context)
    expect(findings).toEqual([
      {
        cause: 'idle-timeout',
        proxy: 'nginx',
        pageOrigin: 'http://localhost:8080',
        idleMs: 60_000,
        closes: 3,
        spanMs: 188_000,
        code: 1006,
        seenByVite: 0,
        upstream: '127.0.0.1:5173',
      },
    ])
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
    // A ping interval derived from these would flood every client: no proxy times out that fast.
    { name: 'steady closes under a second idle', closes: [close(1000, 900), close(2000, 900), close(3000, 900)] },
    { name: 'steady closes at zero idle', closes: [close(1000, 0), close(2000, 0)] },
  ])('nothing for $name', ({ closes, serverStartedAt = 0 }) => {
    const reports = [closesReport(closes)]
    expect(diagnose(evidence(200_000, [], reports), { ...context, serverStartedAt })).toEqual([])
  })
})

describe('made-up input stays unprinted', () => {
  // Anyone who reaches the dev server can send any Host: only a name that could be allowed as written counts.
  test.each(["evil'.test", 'a b', 'x"y', '-lead.test', '999.1.1.1', '[zz::1]'])(
    'a Host of %j is no host-rejected finding',
    (host) => {
      expect(diagnose(evidence(5000, [page('host-blocked', 1000, { host })]), context)).toEqual([])
      expect(diagnose(evidence(5000, [handshake(1000, { host })]), context)).toEqual([])
    },
  )
})

// Vite's own check compares names as listed, `_` included: Docker Compose's service names hold it.
test('a Docker-style name with `_` that Vite refuses is a host-rejected finding', () => {
  const [finding] = diagnose(evidence(5000, [page('host-blocked', 1000, { host: 'web_app:5173' })]), context)
  expect(finding).toMatchObject({ cause: 'host-rejected', via: 'page', hostname: 'web_app' })
})

test('with legacy.skipWebSocketTokenCheck Vite takes token-less handshakes, so a dropped query is no finding', () => {
  const lenient = viteFacts({ tokenCheck: false })
  expect(diagnose(evidence(5000, [handshake(1000, { hasToken: false })]), { ...context, facts: lenient })).toEqual([])
})

test('a fallback socket still dialling when the report left is not a failed fallback', () => {
  const dialling = socket({ url: 'ws://localhost:5173/?token=…', closeCode: null, closedAfterMs: null })
  const reports = [report(2000, [socket({ url: 'ws://localhost:8080/?token=…' }), dialling])]
  const findings = diagnose(evidence(5000, [stripped(1000)], reports), context)
  expect(findings).toEqual([expect.objectContaining({ cause: 'upgrade-stripped', fallback: 'unknown' })])
})

test("a backend-rendered page loads Vite's client from Vite's own port: its separate HMR port is healthy", () => {
  const events: ServerEvent[] = [
    {
      kind: 'client-served',
      request: request({ at: 900, fetchSite: 'same-site', refererOrigin: 'http://localhost:8000' }),
    },
    hmrSocket(1000, { host: 'localhost:24678', origin: 'http://localhost:8000' }),
  ]
  expect(diagnose(evidence(5000, events), { ...context, facts: viteFacts({ hmr: { port: 24678 } }) })).toEqual([])
})

describe('proxy-error', () => {
  const withPath = viteFacts({ hmrPath: '/hmr', hmr: { path: 'hmr' } })
  function refused(status: number, server: string | null, kind: 'other' | 'vite-page' | 'upgrade-required' = 'other') {
    return socket({ url: 'ws://localhost:8080/hmr?token=…', hop: { kind, status, server } })
  }

  test.each<{ name: string; status: number; server: string | null; proxy: string }>([
    { name: "nginx's 404", status: 404, server: 'nginx/1.22.1', proxy: 'nginx' },
    { name: "nginx's 502", status: 502, server: 'nginx', proxy: 'nginx' },
    { name: "Apache's 503", status: 503, server: 'Apache/2.4.62 (Debian)', proxy: 'apache' },
    { name: "Caddy's 502", status: 502, server: 'Caddy', proxy: 'caddy' },
    { name: 'an unnamed hop (HAProxy sends no Server header)', status: 504, server: null, proxy: 'unknown' },
  ])('$name: the hop that answered, named by its Server header', ({ status, server, proxy }) => {
    const reports = [report(2000, [refused(status, server)])]
    expect(diagnose(evidence(5000, [], reports), { ...context, facts: withPath })).toEqual([
      {
        cause: 'proxy-error',
        proxy,
        status,
        server,
        socketUrl: 'ws://localhost:8080/hmr?token=…',
        path: '/hmr',
        pageOrigin: 'http://localhost:8080',
        fallback: 'unknown',
      },
    ])
  })

  test('HAProxy, named by its own error page where it sends no Server header', () => {
    const hop = { kind: 'other' as const, status: 503, server: null, errorPage: 'haproxy' as const }
    const reports = [report(2000, [socket({ url: 'ws://localhost:8080/hmr?token=…', hop })])]
    const [finding] = diagnose(evidence(5000, [], reports), { ...context, facts: withPath })
    expect(finding).toMatchObject({ cause: 'proxy-error', proxy: 'haproxy', status: 503 })
  })

  test.each<{ name: string; sockets: ReturnType<typeof socket>[]; events?: ServerEvent[] }>([
    {
      name: "Vite's own page answered (the proxy flattened the handshake)",
      sockets: [refused(200, null, 'vite-page')],
    },
    { name: "Vite's socket server's 426", sockets: [refused(426, null, 'upgrade-required')] },
    { name: 'a success status from something else', sockets: [refused(200, 'nginx')] },
    { name: 'no probe at all', sockets: [socket({ url: 'ws://localhost:8080/hmr?token=…' })] },
    {
      name: "a handshake from the page reached Vite at the socket's path (the hop let it through)",
      sockets: [refused(502, 'nginx')],
      events: [handshake(1500, { path: '/hmr' })],
    },
  ])('not this cause: $name', ({ sockets, events = [] }) => {
    const findings = diagnose(evidence(5000, events, [report(2000, sockets)]), { ...context, facts: withPath })
    expect(causes(findings)).not.toContain('proxy-error')
  })

  test("Vite's direct fallback at base (it ignores hmr.path) doesn't count as the socket getting through", () => {
    const reports = [report(2000, [refused(404, 'nginx')])]
    const fallback = handshake(1500, { path: '/' })
    expect(causes(diagnose(evidence(5000, [fallback], reports), { ...context, facts: withPath }))).toContain(
      'proxy-error',
    )
  })
})

describe('client-unreached', () => {
  function page(pageUrl: string, arrivedPath: string, host: string | null = '127.0.0.1:5173'): PageReport {
    return { at: 2000, pageUrl, arrivedPath, host, proxy: 'nginx' }
  }

  test.each<[string, string, string | null]>([
    ['/app/', '/', '/app/'],
    ['/app/page', '/page', '/app/'],
    ['/a/b/', '/', '/a/b/'],
    ['/', '/', null],
    ['/app/', '/app/', null],
    ['/app/', '/other/', null],
    ['/x y/', '/', null],
  ])('strippedPrefix(%j, %j) is %j', (pagePath, arrivedPath, prefix) => {
    expect(strippedPrefix(pagePath, arrivedPath)).toBe(prefix)
  })

  test("a page whose client never ran, behind a location that strips /app/: the prefix, and the proxy's upstream", () => {
    expect(diagnose(evidence(5000, [], [], [page('http://app.test/app/', '/')]), context)).toEqual([
      {
        cause: 'client-unreached',
        pageUrl: 'http://app.test/app/',
        clientSrc: 'http://app.test/@vite/client',
        arrivedPath: '/',
        strippedPrefix: '/app/',
        upstream: '127.0.0.1:5173',
        proxy: 'nginx',
      },
    ])
  })

  test("the page's own Host passed on says nothing about the upstream", () => {
    const findings = diagnose(evidence(5000, [], [], [page('http://app.test/app/', '/', 'app.test')]), context)
    expect(findings).toMatchObject([{ upstream: null }])
  })

  test('with a base already set, the stripped part is described, not suggested', () => {
    const facts = viteFacts({ base: '/app/', hmrPath: '/app/', clientPath: '/app/@vite/client' })
    const findings = diagnose(evidence(5000, [], [], [page('http://app.test/x/app/', '/app/')]), { ...context, facts })
    expect(findings).toMatchObject([{ cause: 'client-unreached', strippedPrefix: null }])
  })
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
