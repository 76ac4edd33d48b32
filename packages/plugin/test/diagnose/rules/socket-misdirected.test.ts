import { describe, expect, test } from 'vitest'
import { diagnose } from '../../../src/diagnose/diagnose.js'
import type { Finding } from '../../../src/diagnose/finding-types.js'
import { settingsTowardPage } from '../../../src/diagnose/rules/socket-misdirected.js'
import type { ClientReport, ServerEvent } from '../../../src/evidence/evidence-types.js'
import type { ViteFacts } from '../../../src/vite/vite-facts.js'
import { causes, context, evidence, hmrSocket, report, request, socket, viteFacts } from '../../fixtures.js'

/** The page loaded Vite's client from its own origin (through the proxy), as a browser says with Sec-Fetch-Site. */
function clientThrough(pageOrigin: string): ServerEvent {
  return {
    kind: 'client-served',
    request: request({ at: 900, fetchSite: 'same-origin', refererOrigin: `${pageOrigin}` }),
  }
}

/** The report of a check the developer ran on a URL they typed (the CLI). */
function typed(report: ClientReport): ClientReport {
  return { ...report, pageSource: 'developer' }
}

describe('socket-misdirected', () => {
  const separatePort = viteFacts({ hmr: { port: 24678 } })

  test.each<{ name: string; events?: ServerEvent[]; reports?: ClientReport[]; facts?: ViteFacts; expected: Finding }>([
    {
      name: "a failed socket to another port than the page's",
      reports: [typed(report(2000, [socket({ url: 'ws://localhost:5173/?token=…' })]))],
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
      reports: [typed(report(2000, [socket({ url: 'ws://127.0.0.1:8080/?token=…' })]))],
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
        typed(
          report(
            2000,
            [socket({ url: 'ws://app.test:443/?token=…', error: 'SecurityError: insecure WebSocket' })],
            'https://app.test',
          ),
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
        typed(
          report(2000, [
            socket({ url: 'ws://localhost:3000/?token=…' }),
            socket({ url: 'ws://localhost:5173/?token=…', closedAfterMs: 3 }),
          ]),
        ),
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
      reports: [typed(report(2000, [socket({ url: 'ws://localhost:24678/?token=…' })]))],
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
    // A backend page at :8000 loaded the client from :5173: only the client's origin is the socket's measure.
    ...(
      [
        ['from the CLI', typed],
        ["from a page's report", (given) => given],
      ] satisfies Array<[string, (given: ClientReport) => ClientReport]>
    ).map(([from, source]) => ({
      name: `a backend-rendered page (${from}): the socket aimed at the origin the client came from, whose host fails its grammar, gets no settings`,
      reports: [
        {
          ...source(report(2000, [socket({ url: 'ws://localhost:5173/?token=…' })], 'http://localhost:8000')),
          clientOrigin: "http://x'+y.test:8080",
        },
      ],
      expected: {
        cause: 'socket-misdirected' as const,
        clientOrigin: "http://x'+y.test:8080",
        socketUrl: 'ws://localhost:5173/?token=…',
        opened: false,
        error: null,
        settings: null,
        fallback: 'unknown' as const,
      },
    })),
    ...['https://attacker.example:8443', 'https://10.66.66.66:8443'].map((pageOrigin) => ({
      name: `a report from ${pageOrigin}: its host is only the report's word, so it is described, never printed`,
      reports: [report(2000, [socket({ url: 'ws://localhost:5173/?token=…' })], pageOrigin)],
      expected: {
        cause: 'socket-misdirected' as const,
        clientOrigin: pageOrigin,
        socketUrl: 'ws://localhost:5173/?token=…',
        opened: false,
        error: null,
        settings: null,
        unconfirmed: true as const,
        unconfirmedHost: new URL(pageOrigin).hostname,
        fallback: 'unknown' as const,
      },
    })),
    ...[
      ['http://localhost:8080', 'ws://localhost:5173/?token=…'],
      ['https://localhost:8443', 'ws://localhost:5173/?token=…'],
      ['http://localhost:8080', 'ws://127.0.0.1:8080/?token=…'],
    ].map(([pageOrigin = '', url = '']) => ({
      name: `a report from ${pageOrigin} dialling ${url}: the scheme, port and a safe host are only the report's word, so described`,
      reports: [report(2000, [socket({ url })], pageOrigin)],
      expected: {
        cause: 'socket-misdirected' as const,
        clientOrigin: pageOrigin,
        socketUrl: url,
        opened: false,
        error: null,
        settings: null,
        unconfirmed: true as const,
        fallback: 'unknown' as const,
      },
    })),
    {
      name: 'the same from the URL the developer typed (the CLI): printed',
      reports: [
        {
          ...report(2000, [socket({ url: 'ws://localhost:5173/?token=…' })], 'https://attacker.example:8443'),
          pageSource: 'developer',
        },
      ],
      expected: {
        cause: 'socket-misdirected',
        clientOrigin: 'https://attacker.example:8443',
        socketUrl: 'ws://localhost:5173/?token=…',
        opened: false,
        error: null,
        settings: { protocol: 'wss', host: 'attacker.example', clientPort: 8443 },
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
