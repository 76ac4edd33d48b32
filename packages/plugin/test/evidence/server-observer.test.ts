import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http, { type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer, type ViteDevServer } from 'vite'
import { afterEach, describe, expect, test } from 'vitest'
import { WebSocketServer } from 'ws'
import type { ServerEvent } from '../../src/evidence/evidence-types.js'
import type { RequestScope } from '../../src/evidence/server-observer.js'
import {
  classifyRequest,
  classifyUpgrade,
  observeServer,
  otherUpgradeListeners,
  sentByNode,
} from '../../src/evidence/server-observer.js'
import { createHostCheck } from '../../src/vite/host-check.js'

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

// A server without a token (Vite before 5.4.12): nothing here depends on one.
const wired: RequestScope = { ...root, token: undefined }

/** What a proxy that drops `Upgrade` forwards of Vite's handshake: a plain GET with the socket's headers. */
const flattened = {
  'sec-websocket-key': KEY,
  'sec-websocket-version': '13',
  'sec-websocket-protocol': 'vite-hmr',
}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A Vite dev server, on its own HTTP server or mounted in a plain Node one (middleware mode), and its origin. */
async function start(middlewareMode: boolean): Promise<{ vite: ViteDevServer; origin: string }> {
  const root = mkdtempSync(join(tmpdir(), 'hmr-doctor-observer-'))
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>fixture</title>\n')
  writeFileSync(join(root, 'main.js'), 'export const answer = 42\n')
  const vite = await createServer({
    configFile: false,
    root,
    logLevel: 'silent',
    appType: middlewareMode ? 'custom' : 'spa',
    server: middlewareMode ? { middlewareMode: true, ws: false } : { host: '127.0.0.1', port: 0 },
  })
  let host: http.Server | undefined
  cleanups.push(async () => {
    host?.close()
    await vite.close()
    rmSync(root, { recursive: true, force: true })
  })
  if (!middlewareMode) {
    await vite.listen()
    const address = vite.httpServer?.address()
    if (!address || typeof address === 'string') throw new Error('Vite is not listening on a port')
    return { vite, origin: `http://127.0.0.1:${address.port}` }
  }
  // A framework's server: Vite's middlewares first, then its own 404.
  const app = http.createServer((req, res) =>
    vite.middlewares(req, res, () => {
      res.statusCode = 404
      res.end()
    }),
  )
  host = app
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve))
  return { vite, origin: `http://127.0.0.1:${(app.address() as AddressInfo).port}` }
}

/** Every event the observer reports for `vite`, errors ignored. */
function observe(vite: ViteDevServer): { events: ServerEvent[]; stop: () => void } {
  const events: ServerEvent[] = []
  const stop = observeServer(
    vite,
    wired,
    (event) => events.push(event),
    () => {},
  )
  return { events, stop }
}

describe.each([
  { mode: "Vite's own server", middlewareMode: false },
  { mode: 'middleware mode', middlewareMode: true },
])('what reaches Vite, $mode', ({ middlewareMode }) => {
  test('a flattened handshake is seen before Vite answers it; a module request is not an event', async () => {
    const { vite, origin } = await start(middlewareMode)
    const { events, stop } = observe(vite)
    cleanups.push(async () => stop())
    const module = await fetch(`${origin}/main.js`, { headers: { 'sec-fetch-dest': 'script' } })
    expect(module.status).toBe(200)
    expect(await module.text()).toContain('answer = 42')
    expect(events).toEqual([])
    await fetch(`${origin}/?token=abc`, { headers: flattened })
    expect(events.map((event) => [event.kind, event.request.path])).toEqual([['stripped-handshake', '/']])
  })

  test('once stopped, nothing more is seen, and Vite serves as before', async () => {
    const { vite, origin } = await start(middlewareMode)
    const handle = vite.middlewares.handle
    const { events, stop } = observe(vite)
    stop()
    expect(vite.middlewares.handle).toBe(handle)
    await fetch(`${origin}/`, { headers: flattened })
    expect(events).toEqual([])
    expect((await fetch(`${origin}/main.js`)).status).toBe(200)
  })

  test('a bug in the observer is handed to the error sink, and the request is still served', async () => {
    const { vite, origin } = await start(middlewareMode)
    const errors: string[] = []
    const stop = observeServer(
      vite,
      wired,
      () => {
        throw new Error('observer bug')
      },
      (where, error) => errors.push(`${where}: ${(error as Error).message}`),
    )
    cleanups.push(async () => stop())
    const response = await fetch(`${origin}/`, { headers: flattened })
    expect(response.status).not.toBe(500)
    expect(errors).toEqual(['the request observer: observer bug'])
  })
})

describe('upgrades as Vite’s listener treats them', () => {
  test.each<[string, Record<string, string>, ReturnType<typeof classifyUpgrade>]>([
    [
      'an HMR handshake: Vite answers it',
      { 'sec-websocket-key': 'k', 'sec-websocket-protocol': 'vite-hmr' },
      'handshake',
    ],
    ["Vite's ping: watched apart", { 'sec-websocket-key': 'k', 'sec-websocket-protocol': 'vite-ping' }, 'ping'],
    ['no subprotocol: Vite leaves it', { 'sec-websocket-key': 'k' }, 'upgrade-ignored'],
    [
      'a foreign subprotocol: Vite leaves it',
      { 'sec-websocket-key': 'k', 'sec-websocket-protocol': 'graphql-ws' },
      'upgrade-ignored',
    ],
    ['no WebSocket key: no WebSocket handshake', { upgrade: 'h2c' }, null],
  ])('%s', (_name, headers, expected) => {
    expect(classifyUpgrade({ headers })).toBe(expected)
  })

  test.each<[string, string[], boolean]>([
    ["Node's client, a copied req.headers", ['host', 'a', 'connection', 'Upgrade', 'sec-websocket-key', 'k'], true],
    ['a browser', ['Host', 'a', 'Connection', 'Upgrade', 'Sec-WebSocket-Key', 'k'], false],
    ['nginx, its own headers first', ['Host', 'a', 'connection', 'upgrade'], false],
    ['no headers at all', [], false],
  ])('sent by Node: %s', (_name, rawHeaders, expected) => {
    expect(sentByNode({ rawHeaders })).toBe(expected)
  })
})

test("the upgrade listeners beside Vite's and the doctor's, and whether one is ws's WebSocketServer({ server })", () => {
  const server = http.createServer()
  const own = () => {}
  server.on('upgrade', () => {})
  server.on('upgrade', own)
  const req = { socket: { server } } as unknown as IncomingMessage
  expect(otherUpgradeListeners(req, own)).toEqual({ count: 0, ws: false })
  // As ws 8 writes it in addListeners(): an arrow function under the key `upgrade`.
  const emitConnection = () => {}
  const wsServer = {
    handleUpgrade(..._args: unknown[]) {},
    listeners() {
      return {
        upgrade: (req: unknown, socket: unknown, head: unknown) => {
          this.handleUpgrade(req, socket, head, emitConnection)
        },
      }
    },
  }
  server.on('upgrade', wsServer.listeners().upgrade)
  expect(otherUpgradeListeners(req, own)).toEqual({ count: 1, ws: true })
  server.on('upgrade', function upgrade() {})
  expect(otherUpgradeListeners(req, own)).toEqual({ count: 2, ws: true })
})

test('the real ws: its WebSocketServer({ server }) recognised; the routing the doctor prints (noServer: true) not', () => {
  const own = () => {}
  const attached = http.createServer()
  const req = (server: http.Server) => ({ socket: { server } }) as unknown as IncomingMessage
  const wss = new WebSocketServer({ server: attached })
  attached.on('upgrade', own)
  expect(otherUpgradeListeners(req(attached), own)).toEqual({ count: 0, ws: true })
  wss.close()

  // The printed fix, as pasted: ws's own listener gone, one routing listener of the app's in its place.
  const routed = http.createServer()
  const apart = new WebSocketServer({ noServer: true })
  routed.on('upgrade', (request, socket, head) => {
    const protocol = request.headers['sec-websocket-protocol']
    if (protocol === 'vite-hmr' || protocol === 'vite-ping') return
    apart.handleUpgrade(request, socket, head, (ws) => apart.emit('connection', ws, request))
  })
  routed.on('upgrade', own)
  expect(otherUpgradeListeners(req(routed), own)).toEqual({ count: 0, ws: false })
  apart.close()
})
