import { afterEach, describe, expect, test, vi } from 'vitest'
import {
  appendClose,
  type CloseEntry,
  isReloadLoop,
  type ReportedClose,
  readStoredHistory,
  toReported,
} from '../../src/client/close-history.js'
import { readMessages } from '../../src/client/doctor-client.js'
import { answerKind, probeHop, probeUrl } from '../../src/client/probe.js'
import { errorPageOf, isHmrProtocol } from '../../src/shared/protocol.js'

test.each<[string | string[] | undefined, boolean]>([
  ['vite-hmr', true],
  [['vite-hmr'], true],
  [['graphql-ws', 'vite-hmr'], true],
  ['vite-ping', false],
  [['vite-ping'], false],
  ['vite-hmr, vite-ping', false],
  ['VITE-HMR', false],
  [[], false],
  ['', false],
  [undefined, false],
])('isHmrProtocol(%j) is %s', (protocols, expected) => {
  expect(isHmrProtocol(protocols)).toBe(expected)
})

const message = { title: '[hmr-doctor] nginx drops the WebSocket upgrade', lines: ['Seen by Vite: GET /', 'fix'] }

test.each<{ name: string; data: unknown; expected: unknown[] }>([
  { name: 'null', data: null, expected: [] },
  { name: 'undefined', data: undefined, expected: [] },
  { name: 'a string', data: 'messages', expected: [] },
  { name: 'a number', data: 1, expected: [] },
  { name: 'a list of messages, not wrapped', data: [message], expected: [] },
  { name: 'an object without messages', data: {}, expected: [] },
  { name: 'messages not a list', data: { messages: message }, expected: [] },
  { name: 'an empty list', data: { messages: [] }, expected: [] },
  { name: 'one message', data: { messages: [message] }, expected: [message] },
  {
    name: 'a message with no lines',
    data: { messages: [{ title: 't', lines: [] }] },
    expected: [{ title: 't', lines: [] }],
  },
  {
    name: 'entries that are not objects are dropped',
    data: { messages: [null, 'text', 3, [message], message] },
    expected: [message],
  },
  {
    name: 'entries with a non-string line are dropped',
    data: { messages: [{ title: 't', lines: ['a', 2] }, { title: 't', lines: ['a', null] }, message] },
    expected: [message],
  },
  {
    name: 'entries with a bad title or lines are dropped',
    data: {
      messages: [{ title: 1, lines: [] }, { lines: ['a'] }, { title: 't' }, { title: 't', lines: 'a' }, message],
    },
    expected: [message],
  },
])('readMessages: $name', ({ data, expected }) => {
  expect(readMessages(data)).toEqual(expected)
})

describe('close history', () => {
  const NOW = 1_000_000
  const SERVER = 's1'

  function entry(at: number, overrides: Partial<CloseEntry> = {}): CloseEntry {
    return { at, serverId: SERVER, openForMs: 62_000, idleMs: 60_000, code: 1006, ...overrides }
  }

  test.each<{ name: string; raw: string | null; expected: CloseEntry[] }>([
    { name: 'nothing stored', raw: null, expected: [] },
    { name: 'an empty string', raw: '', expected: [] },
    { name: 'invalid JSON', raw: '[{"at":', expected: [] },
    {
      name: 'JSON that is not a list',
      raw: JSON.stringify({ at: NOW, openForMs: 1, idleMs: 1, code: 1006 }),
      expected: [],
    },
    { name: 'JSON null', raw: 'null', expected: [] },
    { name: 'a valid list', raw: JSON.stringify([entry(NOW - 5000)]), expected: [entry(NOW - 5000)] },
    {
      name: 'malformed entries are dropped, the rest kept in order',
      raw: JSON.stringify([
        null,
        'close',
        7,
        entry(NOW - 3000),
        { at: NOW, openForMs: 1, idleMs: 1 },
        { at: NOW, openForMs: '1', idleMs: 1, code: 1006 },
        { at: NOW, openForMs: 1, idleMs: null, code: 1006 },
        { at: NOW, openForMs: 1, idleMs: 1, code: 1006 },
        entry(NOW - 1000),
      ]),
      expected: [entry(NOW - 3000), entry(NOW - 1000)],
    },
    {
      // A page left for minutes and opened again starts over: those closes didn't cause this load.
      name: 'entries older than 120 s are dropped; exactly 120 s is kept',
      raw: JSON.stringify([entry(NOW - 120_001), entry(NOW - 120_000), entry(NOW - 1)]),
      expected: [entry(NOW - 120_000), entry(NOW - 1)],
    },
  ])('a stored history read back: $name', ({ raw, expected }) => {
    const stored = readStoredHistory(() => raw)
    expect(toReported(stored, NOW, SERVER)).toEqual(toReported(expected, NOW, SERVER))
    // What the watcher counts towards a loop is what the report would carry.
    expect(isReloadLoop(stored, NOW, SERVER)).toBe(isReloadLoop(expected, NOW, SERVER))
  })

  test('storage that throws when read (disabled, or denied to the page) reads as an empty history', () => {
    const denied = () => {
      throw new DOMException('The operation is insecure.', 'SecurityError')
    }
    expect(readStoredHistory(denied)).toEqual([])
  })

  test.each<{ name: string; before: number; expected: number[] }>([
    { name: 'to an empty history', before: 0, expected: [100] },
    { name: 'to 7 entries: all 8 kept', before: 7, expected: [0, 1, 2, 3, 4, 5, 6, 100] },
    { name: 'to 8 entries: the oldest dropped', before: 8, expected: [1, 2, 3, 4, 5, 6, 7, 100] },
    { name: 'to 12 entries: the last 8 kept', before: 12, expected: [5, 6, 7, 8, 9, 10, 11, 100] },
  ])('appendClose $name', ({ before, expected }) => {
    const history = Array.from({ length: before }, (_, index) => entry(index))
    expect(appendClose(history, entry(100)).map((close) => (close as CloseEntry).at)).toEqual(expected)
    // The stored history is rebuilt, never changed in place.
    expect(history).toHaveLength(before)
  })

  test.each<{ name: string; ats: number[]; expected: boolean }>([
    { name: 'no closes', ats: [], expected: false },
    { name: 'one close just now (a single reload, not a loop)', ats: [NOW - 100], expected: false },
    { name: 'two closes, the last 10 s ago', ats: [NOW - 70_000, NOW - 10_000], expected: true },
    { name: 'two closes, the last 10.001 s ago', ats: [NOW - 70_000, NOW - 10_001], expected: false },
    { name: 'three closes, only an older one recent', ats: [NOW - 500, NOW - 70_000, NOW - 20_000], expected: false },
  ])('isReloadLoop: $name', ({ ats, expected }) => {
    expect(
      isReloadLoop(
        ats.map((at) => entry(at)),
        NOW,
        SERVER,
      ),
    ).toBe(expected)
  })

  // Each restart of Vite closes the socket and reloads the page, like a proxy's timeout would; but each
  // page after a restart comes from a new server, so its closes are not this server's loop.
  test.each<{ name: string; servers: string[]; expected: boolean }>([
    { name: 'two closes under this server', servers: [SERVER, SERVER], expected: true },
    { name: 'two closes, each under an earlier server (two restarts)', servers: ['s0', 's-1'], expected: false },
    { name: 'one under an earlier server, one under this one', servers: ['s0', SERVER], expected: false },
    { name: 'twenty restarts', servers: Array.from({ length: 20 }, (_, index) => `r${index}`), expected: false },
  ])('isReloadLoop across restarts: $name', ({ servers, expected }) => {
    const history = servers.map((serverId, index) => entry(NOW - 1000 * (servers.length - index), { serverId }))
    expect(isReloadLoop(history, NOW, SERVER)).toBe(expected)
  })

  test.each<{ name: string; history: CloseEntry[]; expected: ReportedClose[] }>([
    { name: 'nothing', history: [], expected: [] },
    {
      name: 'times become how long ago, the rest is kept',
      history: [entry(NOW - 65_000, { code: 1001 }), entry(NOW - 2000, { openForMs: 61_000, idleMs: 59_900 })],
      expected: [
        { msAgo: 65_000, openForMs: 62_000, idleMs: 60_000, code: 1001 },
        { msAgo: 2000, openForMs: 61_000, idleMs: 59_900, code: 1006 },
      ],
    },
    {
      // The clock can step back between a close and the report; the server refuses negative times.
      name: 'a close in the future (the clock stepped back) is 0 ms ago, not negative',
      history: [entry(NOW + 5000)],
      expected: [{ msAgo: 0, openForMs: 62_000, idleMs: 60_000, code: 1006 }],
    },
    {
      name: "closes under another server (before a restart) are not this server's to report",
      history: [entry(NOW - 3000, { serverId: 's0' }), entry(NOW - 1000)],
      expected: [{ msAgo: 1000, openForMs: 62_000, idleMs: 60_000, code: 1006 }],
    },
  ])('toReported: $name', ({ history, expected }) => {
    expect(toReported(history, NOW, SERVER)).toEqual(expected)
  })
})

test.each<{ status: number; body: string; kind: string }>([
  { status: 426, body: 'Upgrade Required', kind: 'upgrade-required' },
  { status: 200, body: '<script type="module" src="/@vite/client"></script>', kind: 'vite-page' },
  { status: 404, body: '<center>nginx</center>', kind: 'other' },
  { status: 502, body: 'Bad Gateway', kind: 'other' },
  // Only Vite's own 426 text counts as Vite's socket server, not any 426.
  { status: 426, body: 'upgrade elsewhere', kind: 'other' },
])('answerKind($status, …) is $kind', ({ status, body, kind }) => {
  expect(answerKind(status, body)).toBe(kind)
})

/** HAProxy 2.6's own 503, as measured (no Server header comes with it). */
const HAPROXY_503 =
  '<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n'

/** Express 5's own 404 (finalhandler's page), as measured behind a pathFilter that left /hmr out. */
const EXPRESS_404 =
  '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot GET /hmr</pre>\n</body>\n</html>\n'

test.each<{ name: string; status: number; body: string; poweredBy?: string; page: string | undefined }>([
  {
    name: "Express's own 404 with its X-Powered-By",
    status: 404,
    body: EXPRESS_404,
    poweredBy: 'Express',
    page: 'express',
  },
  { name: "Express's 404 page without X-Powered-By", status: 404, body: EXPRESS_404, page: undefined },
  {
    name: "Express's page under another status",
    status: 500,
    body: EXPRESS_404,
    poweredBy: 'Express',
    page: undefined,
  },
  {
    name: 'an app page that ends the same way',
    status: 404,
    body: `${EXPRESS_404}<script></script>`,
    poweredBy: 'Express',
    page: undefined,
  },
  { name: "HAProxy's own 503", status: 503, body: HAPROXY_503, page: 'haproxy' },
  { name: 'the same page under another status', status: 502, body: HAPROXY_503, page: undefined },
  {
    name: "nginx's 502",
    status: 502,
    body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
    page: undefined,
  },
  {
    name: 'an app page that starts the same way',
    status: 503,
    body: `${HAPROXY_503}<script></script>`,
    page: undefined,
  },
])('errorPageOf: $name', ({ status, body, poweredBy, page }) => {
  expect(errorPageOf(status, body, poweredBy)).toBe(page)
})

test.each([
  ['ws://app.test/hmr?token=abc', 'http://app.test/hmr'],
  ['wss://app.test:8443/?token=abc&x=1', 'https://app.test:8443/?x=1'],
  ['ws://127.0.0.1:24678/', 'http://127.0.0.1:24678/'],
])('probeUrl(%j) asks %j, without the token', (socketUrl, expected) => {
  expect(probeUrl(socketUrl).href).toBe(expected)
})

describe('probeHop against a cross-origin hop that sends no CORS headers', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  /** A browser's fetch: a CORS request to such a hop fails; no-cors with a redirect mode but follow is refused. */
  function browserFetch(calls: RequestInit[]) {
    return async (_url: URL, init: RequestInit = {}): Promise<Response> => {
      calls.push(init)
      if (init.mode !== 'no-cors') throw new TypeError('Failed to fetch')
      if (init.redirect !== undefined && init.redirect !== 'follow') {
        throw new TypeError('Request mode is "no-cors" but the redirect mode is not "follow"')
      }
      return new Response(null, { status: 200 })
    }
  }

  test('something answered that the page may not read: unreadable, with no request the browser refuses', async () => {
    const calls: RequestInit[] = []
    vi.stubGlobal('fetch', browserFetch(calls))
    expect(await probeHop('ws://localhost:5173/?token=abc', 1000)).toEqual({
      kind: 'unreadable',
      status: null,
      server: null,
    })
    expect(calls.map((init) => [init.mode ?? 'cors', init.redirect])).toEqual([
      ['cors', 'manual'],
      ['no-cors', 'follow'],
    ])
  })

  test('asked only what it may not read: one opaque request, nothing the console shows', async () => {
    const calls: RequestInit[] = []
    vi.stubGlobal('fetch', browserFetch(calls))
    expect(await probeHop('ws://localhost:5173/?token=abc', 1000, { opaqueOnly: true })).toEqual({
      kind: 'unreadable',
      status: null,
      server: null,
    })
    expect(calls.map((init) => [init.mode ?? 'cors', init.redirect])).toEqual([['no-cors', 'follow']])
  })
})
