import { stripVTControlCharacters } from 'node:util'
import { describe, expect, test } from 'vitest'
import {
  BROWSER_MODES,
  expectHmrApplies,
  expectSilence,
  openPage,
  printedBlock,
  type RunningVite,
  replaceLine,
  startNodeFront,
} from '../harness/index.js'
import {
  expressWithHpm,
  HTTP_PROXY_UPGRADE,
  pasteHpmFix,
  PLAIN_REQUEST_SUMMARY as SUMMARY,
} from '../harness/node-proxy-fixes.js'
import { useScenario } from '../harness/scenario.js'

/** A plain Node server with http-proxy's web pass only. */
const HTTP_PROXY_WEB_ONLY = `import http from 'node:http'
import httpProxy from 'http-proxy'

const proxy = httpProxy.createProxyServer({ target: process.env.TARGET })
const server = http.createServer((req, res) => proxy.web(req, res))
server.listen(Number(process.env.PORT), process.env.HOST, () => console.log('listening'))
// after listen
`

/** Fastify with @fastify/http-proxy as its README registers it, `websocket: true` left out. */
const FASTIFY_PROXY = `import Fastify from 'fastify'
import proxy from '@fastify/http-proxy'

const app = Fastify()
await app.register(proxy, {
  upstream: process.env.TARGET,
  // options
})
await app.listen({ port: Number(process.env.PORT), host: process.env.HOST })
console.log('listening')
`
const FASTIFY_SUMMARY =
  '[hmr-doctor] The Node proxy drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.'
const FASTIFY_OPTIONS =
  '@fastify/http-proxy, in the options you register it with (another Node proxy: its own WebSocket option)'

/** Each library with the blocks its user pastes, at the lines the printed "where" names. */
const LAYOUTS = [
  {
    name: 'Express + http-proxy-middleware 3.x without ws: true',
    source: expressWithHpm('http-proxy-middleware'),
    paste: pasteHpmFix(),
  },
  {
    name: 'Express + http-proxy-middleware 2.x without ws: true',
    source: expressWithHpm('http-proxy-middleware-2'),
    paste: pasteHpmFix(),
  },
  {
    name: 'http-proxy with proxy.web only',
    source: HTTP_PROXY_WEB_ONLY,
    paste: (source: string, output: string) =>
      replaceLine(source, /\/\/ after listen/, printedBlock(output, HTTP_PROXY_UPGRADE)),
  },
]

const scenario = useScenario()

async function front(source: string, vite: RunningVite, port?: number) {
  const running = await startNodeFront(source, { TARGET: `http://${vite.host}:${vite.port}` }, port)
  scenario.defer(() => running.stop())
  return running
}

/** The output with this run's ports replaced, for a snapshot that holds on any machine. */
function portless(output: string, vite: RunningVite, frontPort: number): string {
  return stripVTControlCharacters(output)
    .replaceAll(String(vite.port), 'VITE_PORT')
    .replaceAll(String(frontPort), 'FRONT_PORT')
    .replace(/cut \d+ ms later/, 'cut N ms later')
    .replace(/still connecting \d+ ms/, 'still connecting N ms')
}

describe.each(BROWSER_MODES)('Node proxies in front of Vite, %s browser', (mode) => {
  test.each(LAYOUTS)('$name: diagnosed with its fix, which, pasted, makes HMR work', async (layout) => {
    const vite = await scenario.vite()
    const broken = await front(layout.source, vite)
    const context = await scenario.context(mode)
    await openPage(context, `${broken.origin}/`)

    const output = await scenario.diagnosis(vite, SUMMARY)
    expect(output).toContain(`proxy.ws(req, socket, head, { target: 'http://${vite.host}:${vite.port}' })`)

    await broken.stop()
    const fixed = await front(layout.paste(layout.source, output), vite, broken.port)
    await expectHmrApplies(await openPage(context, `${fixed.origin}/`), vite)
  })

  test('Fastify + @fastify/http-proxy without websocket: true: named as a Node proxy, not HAProxy; its fix makes HMR work', async () => {
    const vite = await scenario.vite()
    const broken = await front(FASTIFY_PROXY, vite)
    const context = await scenario.context(mode)
    await openPage(context, `${broken.origin}/`)

    const output = await scenario.diagnosis(vite, FASTIFY_SUMMARY)
    expect(output).not.toContain('HAProxy')

    await broken.stop()
    const source = replaceLine(FASTIFY_PROXY, /\/\/ options/, printedBlock(output, FASTIFY_OPTIONS))
    const fixed = await front(source, vite, broken.port)
    await expectHmrApplies(await openPage(context, `${fixed.origin}/`), vite)
  })

  test('Express + http-proxy-middleware with ws: true: silent, HMR works', async () => {
    const vite = await scenario.vite()
    const healthy = await front(expressWithHpm('http-proxy-middleware').replace('// options', 'ws: true,'), vite)
    const page = await openPage(await scenario.context(mode), `${healthy.origin}/`)
    await expectHmrApplies(page, vite)
    await expectSilence(vite, page)
  })
})

test('the terminal output for Express + http-proxy-middleware without ws: true', async () => {
  const vite = await scenario.vite()
  const broken = await front(expressWithHpm('http-proxy-middleware'), vite)
  await openPage(await scenario.context('direct'), `${broken.origin}/`)
  const output = await scenario.diagnosis(vite, SUMMARY)
  expect(portless(output, vite, broken.port)).toMatchInlineSnapshot(`
    "[hmr-doctor] The Node proxy in front of Vite forwards the HMR handshake as a plain request and never relays Vite's answer: the page's socket hangs.
      seen: the page at http://127.0.0.2:FRONT_PORT dialled ws://127.0.0.2:FRONT_PORT/?token=…, still connecting N ms after it was created; Vite answered its handshake (GET /, its header names in lowercase as Node's HTTP client sends them) with 101, and the connection was cut N ms later
      Vite's client dials no fallback while its socket hangs: this page gets no updates.
      That is what http-proxy's web pass does with an upgrade: http-proxy-middleware without ws: true, or http-proxy / http-proxy-3 with proxy.web(…) alone. Paste the lines for the library your server uses.
      http-proxy-middleware subscribes to the server's upgrade event on the first HTTP request through it; the server.on line carries a socket that comes first. Two middlewares with ws: true would both take the socket and garble its frames.

      http-proxy-middleware, in the options of the middleware that proxies the HMR path (/), and in no other createProxyMiddleware({ … }):

        ws: true,

      http-proxy-middleware, after your server is created (const server = app.listen(…)), with proxy that same middleware (the one createProxyMiddleware returned for the HMR path):

        server.on('upgrade', proxy.upgrade)

      or http-proxy / http-proxy-3 with only proxy.web(…), after your server is created (const server = …):

        server.on('upgrade', (req, socket, head) => {
          proxy.ws(req, socket, head, { target: 'http://127.0.0.1:VITE_PORT' })
        })

      vite.config: nothing to change.
      Then restart your server."
  `)
})
