import type { IncomingMessage } from 'node:http'
import { expect, test } from 'vitest'
import type { RequestScope } from '../src/evidence/server-observer.js'
import { classifyRequest } from '../src/evidence/server-observer.js'
import type { ServerEvent } from '../src/evidence/types.js'
import { createHostCheck } from '../src/host-check.js'

/** The parts of an IncomingMessage that classifyRequest and snapshotRequest read, names as a browser sends them. */
function incoming(url: string, raw: [string, string][], httpVersion = '1.1'): IncomingMessage {
  const headers: Record<string, string> = {}
  for (const [name, value] of raw) headers[name.toLowerCase()] ??= value
  return { method: 'GET', url, httpVersion, headers, rawHeaders: raw.flat() } as unknown as IncomingMessage
}

const KEY = 'dGhlIHNhbXBsZSBub25jZQ=='
const TOKEN = 'tok3n'
const root: RequestScope = {
  clientPath: '/@vite/client',
  base: '/',
  hostAllowed: createHostCheck([]),
  token: TOKEN,
  hmrServerPort: null,
}
const underApp: RequestScope = {
  clientPath: '/app/@vite/client',
  base: '/app/',
  hostAllowed: createHostCheck([]),
  hmrServerPort: null,
  token: TOKEN,
}

function documentLoad(url: string, host = 'localhost:5173'): IncomingMessage {
  return incoming(url, [
    ['Host', host],
    ['Accept', 'text/html'],
    ['Sec-Fetch-Dest', 'document'],
    ['Sec-Fetch-Mode', 'navigate'],
  ])
}

test.each<{
  name: string
  req: IncomingMessage
  scope?: RequestScope
  kind: ServerEvent['kind'] | null
  path?: string
}>([
  {
    name: 'a WebSocket key without Upgrade: a handshake nginx flattened',
    req: incoming(
      '/?token=abc',
      [
        ['Host', 'localhost:5173'],
        ['Connection', 'close'],
        ['Sec-WebSocket-Key', KEY],
        ['Sec-WebSocket-Protocol', 'vite-hmr'],
      ],
      '1.0',
    ),
    kind: 'stripped-handshake',
    path: '/',
  },
  {
    // Even on a refused Host: the flattened handshake is the first thing to fix, and it is not a page.
    name: 'a flattened handshake outranks a refused Host',
    req: incoming('/', [
      ['Host', 'app.test'],
      ['Sec-WebSocket-Key', KEY],
      ['Sec-Fetch-Dest', 'document'],
    ]),
    kind: 'stripped-handshake',
    path: '/',
  },
  {
    // Node hands a full upgrade to `request` listeners only when no `upgrade` listener exists on that server.
    name: 'a whole handshake that reached a request listener: no WebSocket server takes it on this port',
    req: incoming('/?token=abc', [
      ['Host', 'localhost:5173'],
      ['Connection', 'Upgrade'],
      ['Upgrade', 'websocket'],
      ['Sec-WebSocket-Key', KEY],
    ]),
    kind: 'stripped-handshake',
    path: '/',
  },
  {
    name: 'Upgrade kept, Connection emptied (a keepalive recipe): flattened all the same',
    req: incoming('/?token=abc', [
      ['Host', 'localhost:5173'],
      ['Upgrade', 'websocket'],
      ['Sec-WebSocket-Key', KEY],
      ['Sec-WebSocket-Protocol', 'vite-hmr'],
    ]),
    kind: 'stripped-handshake',
    path: '/',
  },
  {
    name: 'the client loaded as a script',
    req: incoming('/@vite/client', [
      ['Host', 'localhost:8080'],
      ['Sec-Fetch-Dest', 'script'],
    ]),
    kind: 'client-served',
    path: '/@vite/client',
  },
  {
    name: 'the client under base /app/, with a query',
    req: incoming('/app/@vite/client?t=1', [
      ['Host', 'localhost:8080'],
      ['Sec-Fetch-Dest', 'script'],
    ]),
    scope: underApp,
    kind: 'client-served',
    path: '/app/@vite/client',
  },
  {
    name: 'another script',
    req: incoming('/src/main.ts', [
      ['Host', 'localhost:8080'],
      ['Sec-Fetch-Dest', 'script'],
    ]),
    kind: null,
  },
  {
    // Without Sec-Fetch-Dest (an old browser, curl) a load of the client says nothing about a page.
    name: 'the client fetched without Sec-Fetch-Dest',
    req: incoming('/@vite/client', [['Host', 'localhost:8080']]),
    kind: null,
  },
  {
    name: 'a path that only starts with the client path',
    req: incoming('/@vite/client-extra.js', [
      ['Host', 'localhost:8080'],
      ['Sec-Fetch-Dest', 'script'],
    ]),
    kind: null,
  },
  {
    // Chromium omits Sec-Fetch-Dest on plain http to a non-loopback name; a browser's non-HTML load is a script here.
    name: 'the client loaded by a browser that sent no Sec-Fetch-Dest',
    req: incoming('/@vite/client', [
      ['Host', 'app.test'],
      ['User-Agent', 'Mozilla/5.0 (X11; Linux x86_64)'],
      ['Accept', '*/*'],
    ]),
    kind: 'client-served',
    path: '/@vite/client',
  },
  {
    name: 'a page loaded by a browser that sent no Sec-Fetch-Dest, Host refused',
    req: incoming('/', [
      ['Host', 'app.test'],
      ['User-Agent', 'Mozilla/5.0 (X11; Linux x86_64)'],
      ['Accept', 'text/html,application/xhtml+xml'],
    ]),
    kind: 'host-blocked',
    path: '/',
  },
  {
    name: 'a page fetched by curl (no Sec-Fetch-Dest, not a browser), Host refused',
    req: incoming('/', [
      ['Host', 'app.test'],
      ['User-Agent', 'curl/8.5.0'],
      ['Accept', 'text/html'],
    ]),
    kind: null,
  },
  {
    name: 'a document whose Host Vite refuses',
    req: documentLoad('/', 'app.test:8080'),
    kind: 'host-blocked',
    path: '/',
  },
  {
    name: 'a document outside base /app/',
    req: documentLoad('/'),
    scope: underApp,
    kind: 'outside-base',
    path: '/',
  },
  {
    name: 'a document at / under base /app/ is one Vite redirects into base',
    req: documentLoad('/'),
    scope: underApp,
    kind: 'outside-base',
    path: '/',
  },
  {
    name: 'other paths outside base get a 404 from Vite, not a redirect, so they are no loop',
    req: documentLoad('/other'),
    scope: underApp,
    kind: null,
  },
  {
    // The host check comes first: Vite answers 403 before it looks at base.
    name: 'a refused Host outside base is host-blocked',
    req: documentLoad('/', 'app.test'),
    scope: underApp,
    kind: 'host-blocked',
    path: '/',
  },
  { name: 'a document inside base /app/', req: documentLoad('/app/page'), scope: underApp, kind: null },
  { name: 'a document under base /', req: documentLoad('/page'), kind: null },
  {
    name: 'a document with an allowed Host',
    req: documentLoad('/', 'app.test'),
    scope: { ...root, hostAllowed: createHostCheck(['app.test']) },
    kind: null,
  },
  {
    name: 'an image with a refused Host outside base',
    req: incoming('/logo.png', [
      ['Host', 'app.test'],
      ['Sec-Fetch-Dest', 'image'],
    ]),
    scope: underApp,
    kind: null,
  },
])('$name', ({ req, scope = root, kind, path }) => {
  const event = classifyRequest(req, scope, () => 4242)
  expect(event?.kind ?? null).toBe(kind)
  if (kind !== null) expect(event?.request).toMatchObject({ at: 4242, path })
})

test.each<{ name: string; url: string; scope?: RequestScope; vouched: boolean }>([
  { name: "this server's token vouches for the request", url: `/?token=${TOKEN}`, vouched: true },
  { name: 'no token', url: '/', vouched: false },
  { name: 'another token', url: '/?token=forged', vouched: false },
  { name: 'a longer token that starts with it', url: `/?token=${TOKEN}x`, vouched: false },
  { name: 'an empty token', url: '/?token=', vouched: false },
  {
    name: 'a Vite that issues no token vouches for nothing',
    url: '/?token=',
    scope: { ...root, token: undefined },
    vouched: false,
  },
])('provenance: $name', ({ url, scope = root, vouched }) => {
  const req = incoming(url, [
    ['Host', 'localhost:5173'],
    ['Sec-WebSocket-Key', KEY],
    ['Sec-WebSocket-Protocol', 'vite-hmr'],
  ])
  expect(classifyRequest(req, scope, () => 1)?.request.vouched).toBe(vouched)
})
