import { describe, expect, test } from 'vitest'
import { parseClientReport, parsePageReport } from '../../src/evidence/client-report.js'

/** As the endpoint calls it for a browser, whose POST carries the page's own origin as its Origin header. */
function parse(text: string, at: number) {
  let origin = 'http://localhost:8080'
  try {
    origin = new URL(JSON.parse(text).pageOrigin).origin
  } catch {
    // Not a report a browser would send; the default origin is as good as any.
  }
  return parseClientReport(text, at, origin)
}

const failed = {
  url: 'ws://localhost:8080/?token=SECRET123',
  opened: false,
  closeCode: 1006,
  openedAfterMs: null,
  closedAfterMs: 12.6,
  error: null,
}
const opened = {
  url: 'ws://localhost:5173/?token=SECRET123',
  opened: true,
  closeCode: null,
  openedAfterMs: 8,
  closedAfterMs: null,
  error: null,
}

function body(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({ pageOrigin: 'http://localhost:8080', sockets: [failed], ...overrides })
}

function withSocket(overrides: Record<string, unknown>): string {
  return body({ sockets: [{ ...failed, ...overrides }] })
}

test('a valid report is accepted: origin only, times rounded, the token redacted', () => {
  const result = parse(body({ pageOrigin: 'http://localhost:8080/some/page?q=1', sockets: [failed, opened] }), 77)
  expect(result).toEqual({
    ok: true,
    report: {
      at: 77,
      pageOrigin: 'http://localhost:8080',
      clientOrigin: null,
      sockets: [
        {
          url: 'ws://localhost:8080/?token=…',
          opened: false,
          closeCode: 1006,
          openedAfterMs: null,
          closedAfterMs: 13,
          error: null,
        },
        {
          url: 'ws://localhost:5173/?token=…',
          opened: true,
          closeCode: null,
          openedAfterMs: 8,
          closedAfterMs: null,
          error: null,
        },
      ],
      closes: [],
    },
  })
  expect(JSON.stringify(result)).not.toContain('SECRET123')
})

test.each([
  { name: 'the largest close code', body: withSocket({ closeCode: 4999 }) },
  { name: 'the smallest close code', body: withSocket({ closeCode: 1000 }) },
  { name: 'a day of milliseconds', body: withSocket({ closedAfterMs: 24 * 60 * 60 * 1000 }) },
  { name: 'zero milliseconds', body: withSocket({ closedAfterMs: 0 }) },
  { name: 'a constructor error', body: withSocket({ error: 'SecurityError: insecure' }) },
  {
    name: 'an https page with a wss socket',
    body: body({ pageOrigin: 'https://app.test', sockets: [{ ...failed, url: 'wss://app.test/' }] }),
  },
  { name: 'eight sockets', body: body({ sockets: Array.from({ length: 8 }, () => failed) }) },
])('accepted at the edge: $name', ({ body }) => {
  expect(parse(body, 0).ok).toBe(true)
})

test.each([
  { name: 'non-JSON', body: 'not json' },
  { name: 'an empty body', body: '' },
  { name: 'NaN (not JSON either)', body: body().replace('12.6', 'NaN') },
  { name: 'an array', body: JSON.stringify([{ pageOrigin: 'http://localhost:8080', sockets: [failed] }]) },
  { name: 'null', body: 'null' },
  { name: 'a string', body: '"report"' },
  { name: 'a missing pageOrigin', body: JSON.stringify({ sockets: [failed] }) },
  { name: 'a javascript: pageOrigin', body: body({ pageOrigin: 'javascript:alert(1)' }) },
  { name: 'a file: pageOrigin', body: body({ pageOrigin: 'file:///etc/passwd' }) },
  { name: 'a ws: pageOrigin', body: body({ pageOrigin: 'ws://localhost:8080' }) },
  { name: 'a relative pageOrigin', body: body({ pageOrigin: '/page' }) },
  { name: 'a pageOrigin that is not a string', body: body({ pageOrigin: 8080 }) },
  { name: 'a pageOrigin over 2048 characters', body: body({ pageOrigin: `http://a.test/${'p'.repeat(2048)}` }) },
  { name: '0 sockets', body: body({ sockets: [] }) },
  { name: '9 sockets', body: body({ sockets: Array.from({ length: 9 }, () => failed) }) },
  { name: 'sockets not a list', body: body({ sockets: { 0: failed } }) },
  { name: 'a socket that is not an object', body: body({ sockets: ['ws://localhost:8080/'] }) },
  { name: 'a socket that is null', body: body({ sockets: [null] }) },
  { name: 'a socket that is a list', body: body({ sockets: [[failed]] }) },
  { name: 'one bad socket among good ones', body: body({ sockets: [opened, { ...failed, opened: 'no' }] }) },
  { name: 'a javascript: socket URL', body: withSocket({ url: 'javascript:alert(1)' }) },
  { name: 'an ftp: socket URL', body: withSocket({ url: 'ftp://localhost/' }) },
  { name: 'a socket URL that does not parse', body: withSocket({ url: 'ws://' }) },
  { name: 'a missing socket URL', body: withSocket({ url: undefined }) },
  { name: 'negative ms', body: withSocket({ closedAfterMs: -1 }) },
  { name: 'infinite ms (1e999 parses to Infinity)', body: body().replace('12.6', '1e999') },
  { name: 'more than a day of ms', body: withSocket({ closedAfterMs: 24 * 60 * 60 * 1000 + 1 }) },
  { name: 'ms as a string', body: withSocket({ openedAfterMs: '8' }) },
  { name: 'missing ms', body: withSocket({ openedAfterMs: undefined }) },
  { name: 'close code 999', body: withSocket({ closeCode: 999 }) },
  { name: 'close code 5000', body: withSocket({ closeCode: 5000 }) },
  { name: 'a fractional close code', body: withSocket({ closeCode: 1006.5 }) },
  { name: 'a close code as a string', body: withSocket({ closeCode: '1006' }) },
  { name: 'opened not a boolean', body: withSocket({ opened: 0 }) },
  { name: 'error a number', body: withSocket({ error: 42 }) },
  { name: 'error an object', body: withSocket({ error: { message: 'x' } }) },
  { name: 'error missing', body: withSocket({ error: undefined }) },
])('refused: $name', ({ body }) => {
  const result = parse(body, 0)
  expect(result.ok).toBe(false)
  expect(result).toEqual({ ok: false, error: expect.any(String) })
})

describe('untrusted strings are made safe to print', () => {
  test.each([
    { name: 'an ANSI colour', error: '\u001b[31mboom\u001b[0m', cleaned: 'boom' },
    { name: 'a bidi override', error: 'abc\u202edcba', cleaned: 'abcdcba' },
    { name: 'bidi isolates and marks', error: '\u2066a\u2069\u200eb\u200f', cleaned: 'ab' },
    { name: 'a newline that would forge a log line', error: 'x\n[vite] ok', cleaned: 'x[vite] ok' },
    { name: 'a long error', error: 'e'.repeat(500), cleaned: `${'e'.repeat(199)}…` },
  ])('in the error: $name', ({ error, cleaned }) => {
    const result = parse(withSocket({ error }), 0)
    expect(result.ok && result.report.sockets[0]?.error).toBe(cleaned)
  })

  test('in the socket URL', () => {
    const result = parse(withSocket({ url: 'ws://a.test/\u202ex?y=\u001b[31m&token=t\u001b' }), 0)
    expect(result.ok && result.report.sockets[0]?.url).toBe('ws://a.test/%E2%80%AEx?y=%1B[31m&token=…')
  })

  test('a long socket URL is capped', () => {
    const result = parse(withSocket({ url: `ws://a.test/${'p'.repeat(1000)}` }), 0)
    const url = result.ok ? result.report.sockets[0]?.url : undefined
    expect(url).toBe(`ws://a.test/${'p'.repeat(287)}…`)
  })

  test('a pageOrigin whose origin is over 300 characters is refused, not thrown', () => {
    expect(parse(body({ pageOrigin: `http://${'a'.repeat(350)}.test/` }), 0).ok).toBe(false)
  })

  test('credentials and path in pageOrigin are dropped: only the origin is kept', () => {
    const result = parse(body({ pageOrigin: `http://user:${'p'.repeat(300)}@a.test/x?y` }), 0)
    expect(result.ok && result.report.pageOrigin).toBe('http://a.test')
  })
})

describe('closes', () => {
  const close = { msAgo: 5000, openForMs: 62_000, idleMs: 60_000, code: 1006 }

  test('closes are turned into times on the server clock, rounded; a report of closes alone is accepted', () => {
    const closes = [
      { msAgo: 65_000.4, openForMs: 61_999.6, idleMs: 60_000.2, code: 1001 },
      { ...close, msAgo: 0 },
    ]
    expect(parse(body({ sockets: [], closes }), 100_000)).toEqual({
      ok: true,
      report: {
        at: 100_000,
        pageOrigin: 'http://localhost:8080',
        clientOrigin: null,
        sockets: [],
        closes: [
          { at: 35_000, openForMs: 62_000, idleMs: 60_000, code: 1001 },
          { at: 100_000, openForMs: 62_000, idleMs: 60_000, code: 1006 },
        ],
      },
    })
  })

  test('sockets may be left out when there are closes', () => {
    const result = parse(JSON.stringify({ pageOrigin: 'http://localhost:8080', closes: [close] }), 10_000)
    expect(result).toEqual({
      ok: true,
      report: {
        at: 10_000,
        pageOrigin: 'http://localhost:8080',
        clientOrigin: null,
        sockets: [],
        closes: [{ at: 5000, openForMs: 62_000, idleMs: 60_000, code: 1006 }],
      },
    })
  })

  test.each([
    { name: 'eight closes', closes: Array.from({ length: 8 }, () => close) },
    { name: 'close code 4999', closes: [{ ...close, code: 4999 }] },
    { name: 'zero idle', closes: [{ ...close, idleMs: 0 }] },
    { name: 'idle as long as open', closes: [{ ...close, idleMs: close.openForMs }] },
    { name: 'two closes at the same moment', closes: [close, close] },
  ])('accepted at the edge: $name', ({ closes }) => {
    expect(parse(body({ closes }), 10_000).ok).toBe(true)
  })

  test.each([
    { name: '9 closes', closes: Array.from({ length: 9 }, () => close) },
    { name: 'close code 999', closes: [{ ...close, code: 999 }] },
    { name: 'close code 5000', closes: [{ ...close, code: 5000 }] },
    { name: 'a close code as a string', closes: [{ ...close, code: '1006' }] },
    { name: 'msAgo null', closes: [{ ...close, msAgo: null }] },
    { name: 'negative msAgo', closes: [{ ...close, msAgo: -1 }] },
    { name: 'openForMs missing', closes: [{ msAgo: 1, idleMs: 1, code: 1006 }] },
    { name: 'idleMs over a day', closes: [{ ...close, idleMs: 24 * 60 * 60 * 1000 + 1 }] },
    { name: 'a close that is not an object', closes: [close, 'close'] },
    { name: 'closes not a list', closes: close },
    { name: 'idle longer than open', closes: [{ ...close, idleMs: close.openForMs + 1 }] },
  ])('refused: $name', ({ closes }) => {
    expect(parse(body({ closes }), 10_000)).toEqual({
      ok: false,
      error: 'closes must be a list of at most 8 close records',
    })
  })

  test.each([
    { name: 'empty sockets and empty closes', value: { sockets: [], closes: [] } },
    { name: 'empty sockets, no closes', value: { sockets: [] } },
    { name: 'neither sockets nor closes', value: { sockets: undefined } },
  ])('nothing to report: $name', ({ value }) => {
    expect(parse(body(value), 10_000)).toEqual({ ok: false, error: 'nothing to report' })
  })
})

test('closes that run backwards in time are refused', () => {
  const closes = [
    { msAgo: 1000, openForMs: 3000, idleMs: 2000, code: 1006 },
    { msAgo: 5000, openForMs: 3000, idleMs: 2000, code: 1006 },
  ]
  expect(parse(body({ closes }), 10_000)).toEqual({ ok: false, error: 'closes must be oldest first' })
})

describe("the page is the one the browser's Origin names", () => {
  test.each([
    { name: 'another origin', origin: 'http://evil.test' },
    { name: 'another port', origin: 'http://localhost:8081' },
    { name: 'no Origin header', origin: undefined },
    { name: "the literal 'null' origin", origin: 'null' },
  ])('refused: $name', ({ origin }) => {
    expect(parseClientReport(body(), 0, origin)).toEqual({
      ok: false,
      error: 'pageOrigin does not match the Origin header',
    })
  })

  test('the origin the client came from is kept, as an origin', () => {
    const result = parseClientReport(
      body({ clientOrigin: 'http://localhost:5173/@vite/x' }),
      0,
      'http://localhost:8080',
    )
    expect(result.ok && result.report.clientOrigin).toBe('http://localhost:5173')
  })

  test.each([{ value: 'javascript:alert(1)' }, { value: 42 }, { value: null }, { value: 'ws://localhost:5173' }])(
    'a clientOrigin that is no http(s) origin is refused: $value',
    ({ value }) => {
      expect(parseClientReport(body({ clientOrigin: value }), 0, 'http://localhost:8080')).toEqual({
        ok: false,
        error: 'clientOrigin is not an http(s) URL',
      })
    },
  )
})

test('the proxy the report came through is kept beside it; none told, none kept', () => {
  const through = parseClientReport(body(), 0, 'http://localhost:8080', 'haproxy')
  expect(through.ok && through.report.proxy).toBe('haproxy')
  const unknown = parseClientReport(body(), 0, 'http://localhost:8080', 'unknown')
  expect(unknown.ok && 'proxy' in unknown.report).toBe(false)
})

test("the page route's Server header keeps only the proxy it names; anything else is refused or dropped", () => {
  const named = parseClientReport(body({ server: 'nginx/1.22.1' }), 0, 'http://localhost:8080')
  expect(named.ok && named.report.announced).toBe('nginx')
  const unnamed = parseClientReport(body({ server: 'gunicorn' }), 0, 'http://localhost:8080')
  expect(unnamed.ok && 'announced' in unnamed.report).toBe(false)
  expect(parseClientReport(body({ server: 42 }), 0, 'http://localhost:8080')).toEqual({
    ok: false,
    error: 'server must be a short string',
  })
  expect(parseClientReport(body({ server: 'x'.repeat(201) }), 0, 'http://localhost:8080').ok).toBe(false)
})

test('a URL the WebSocket constructor refused is kept as text, since that is why the page never dialled', () => {
  const refused = {
    ...failed,
    url: 'ws://::1:5173/?token=SECRET123',
    closeCode: null,
    closedAfterMs: null,
    error: 'SyntaxError: invalid URL',
  }
  const result = parse(body({ sockets: [refused] }), 0)
  expect(result.ok && result.report.sockets[0]?.url).toBe('ws://::1:5173/?token=…')
})

test('an unparsable URL on a socket the browser did dial is refused', () => {
  expect(parse(withSocket({ url: 'ws://::1:5173/' }), 0).ok).toBe(false)
})

describe('what answered the socket over plain HTTP', () => {
  test('kept as reported, the Server header cleaned and capped', () => {
    const hop = { kind: 'other', status: 502, server: `nginx/1.22.1\u001b[31m${'x'.repeat(100)}` }
    const result = parse(withSocket({ hop }), 0)
    expect(result.ok && result.report.sockets[0]?.hop).toEqual({
      kind: 'other',
      status: 502,
      server: `nginx/1.22.1${'x'.repeat(51)}…`,
    })
  })

  test.each([
    { name: "HAProxy's error page, with no Server header", errorPage: 'haproxy', server: null, kept: true },
    { name: 'an error page of a proxy the doctor knows no page of', errorPage: 'nginx', server: null, kept: false },
    { name: 'an error page beside a Server header', errorPage: 'haproxy', server: 'nginx', kept: false },
    { name: "Express's own 404, with no Server header", errorPage: 'express', server: null, kept: true },
    { name: "Express's page beside a Server header", errorPage: 'express', server: 'nginx', kept: false },
  ])('whose error page: $name', ({ errorPage, server, kept }) => {
    const result = parse(withSocket({ hop: { kind: 'other', status: 503, server, errorPage } }), 0)
    expect(result.ok && result.report.sockets[0]?.hop?.errorPage).toBe(kept ? errorPage : undefined)
  })

  test.each([
    { name: 'an unknown kind', hop: { kind: 'proxy', status: 502, server: null } },
    { name: 'a status out of range', hop: { kind: 'other', status: 999, server: null } },
    { name: 'a status as text', hop: { kind: 'other', status: '502', server: null } },
    { name: 'a Server header that is not text', hop: { kind: 'other', status: 502, server: 7 } },
    { name: 'not an object', hop: 'nginx' },
  ])('refused: $name', ({ hop }) => {
    expect(parse(withSocket({ hop }), 0).ok).toBe(false)
  })
})

describe('a page whose client never ran', () => {
  const request = { origin: 'http://app.test', path: '/', host: '127.0.0.1:5173', proxy: 'nginx' as const }

  test('kept: the page without its query, the client it asked for, where its report arrived', () => {
    const body = JSON.stringify({ pageUrl: 'http://app.test/app/?x=1#y' })
    expect(parsePageReport(body, 7, request)).toEqual({
      ok: true,
      page: {
        at: 7,
        pageUrl: 'http://app.test/app/',
        arrivedPath: '/',
        host: '127.0.0.1:5173',
        proxy: 'nginx',
      },
    })
  })

  test.each([
    { name: 'not JSON', body: '{', error: 'body is not JSON' },
    {
      name: 'a page on another origin',
      body: JSON.stringify({ pageUrl: 'http://evil.test/' }),
      error: 'pageUrl does not match the Origin header',
    },
    {
      name: 'a page that is no URL',
      body: JSON.stringify({ pageUrl: 'javascript:1' }),
      error: 'pageUrl is not an http(s) URL',
    },
  ])('refused: $name', ({ body, error }) => {
    expect(parsePageReport(body, 0, request)).toEqual({ ok: false, error })
  })
})

describe('a socket the page called hanging', () => {
  const hanging = { ...failed, closeCode: null, closedAfterMs: null, hangingAfterMs: 1000.4 }

  test('kept, rounded, on a socket still connecting', () => {
    const result = parse(body({ sockets: [hanging] }), 0)
    expect(result.ok && result.report.sockets[0]?.hangingAfterMs).toBe(1000)
  })

  test.each([
    ['an opened socket', { opened: true, openedAfterMs: 5 }],
    ['a closed socket', { closeCode: 1006, closedAfterMs: 20 }],
    ['a refused socket', { error: 'SyntaxError: invalid URL' }],
    ['a negative age', { hangingAfterMs: -1 }],
    ['a string', { hangingAfterMs: '1000' }],
    ['null', { hangingAfterMs: null }],
  ])('refused on %s', (_name, overrides) => {
    expect(parse(body({ sockets: [{ ...hanging, ...overrides }] }), 0).ok).toBe(false)
  })

  test("Vite's restart ping: marked as one", () => {
    const result = parse(body({ sockets: [{ ...hanging, ping: true }] }), 0)
    expect(result.ok && result.report.sockets[0]).toMatchObject({ ping: true, hangingAfterMs: 1000 })
  })

  test.each([
    ["on Vite's page: kept", 'vite-page', true],
    ['on any other answer: dropped', 'other', false],
  ])("another Vite's client at the origin's root, %s", (_name, kind, kept) => {
    const hop = { kind, status: 200, server: null, viteAtRoot: true }
    const result = parse(body({ sockets: [{ ...hanging, hop }] }), 0)
    expect(result.ok && result.report.sockets[0]?.hop?.viteAtRoot).toBe(kept ? true : undefined)
  })

  test.each([
    ['a string', 'yes'],
    ['false', false],
    ['a number', 1],
  ])('a ping mark refused as %s', (_name, ping) => {
    expect(parse(body({ sockets: [{ ...hanging, ping }] }), 0).ok).toBe(false)
  })
})
