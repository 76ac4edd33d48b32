import { stripVTControlCharacters } from 'node:util'
import { describe, expect, test } from 'vitest'
import {
  BROWSER_MODES,
  configWithPrintedFix,
  expectHmrApplies,
  expectSilence,
  freePort,
  noticeText,
  openPage,
  outlastDoctor,
  PROXY_HOST,
  PROXY_NAME,
  printedBlock,
  printedBlocks,
  type RunningVite,
  replaceLine,
  runCli,
  socketOptionsKey,
  startNodeFront,
  type WatchedPage,
} from '../harness/index.js'
import {
  expressWithHpm,
  HPM_UPGRADE,
  HTTP_PROXY_UPGRADE,
  pasteHpmFix,
  PLAIN_REQUEST_SUMMARY as SUMMARY,
} from '../harness/node-proxy-fixes.js'
import { useScenario } from '../harness/scenario.js'

/**
 * The Node layouts node-proxies.test.ts leaves out: http-proxy-middleware 4.x (on httpxy), a socket that
 * reaches the middleware before any HTTP request, a pathFilter without the HMR path, http-proxy-3's web pass,
 * the Host a front server reached by name sends, and Vite's own server.proxy in front of another Vite.
 */

const ROUTE_404 =
  "[hmr-doctor] Express answered 404 for /hmr itself: none of its middlewares takes the HMR socket's path."
/** Where the doctor prints the missing path, from Express's own 404 (finalhandler's page, X-Powered-By: Express). */
const HPM_PATH_FILTER = 'http-proxy-middleware, in the pathFilter list you pass to createProxyMiddleware({ … })'
/** What the doctor should say when Vite's server.proxy carries the pages but not the socket. */
const VITE_PROXY_SUMMARY =
  "[hmr-doctor] Vite's server.proxy in front of this Vite carries its pages but not its HMR socket"
const VITE_PROXY_WHERE = "the front Vite's vite.config, in its server.proxy entry for /app2"

/** Vite's socket on a path of its own, so a proxy can route it apart from the pages. */
const HMR_PATH = { server: { [socketOptionsKey()]: { path: 'hmr' } } }

/**
 * One middleware for the pages, one with `ws: true` for the socket's path after it: every HTTP request ends
 * in the first, so the second never sees one and never subscribes to `upgrade`; the socket falls through to
 * Express as a plain request and the pages' proxy forwards it.
 */
const socketBeforeAnyRequest = (pkg: string) => `import express from 'express'
import { createProxyMiddleware } from '${pkg}'

const app = express()
app.use(createProxyMiddleware({ target: process.env.TARGET }))
const proxy = createProxyMiddleware({
  target: process.env.TARGET,
  pathFilter: '/hmr',
  ws: true,
  // options
})
app.use(proxy)
const server = app.listen(Number(process.env.PORT), process.env.HOST, () => console.log('listening'))
// after listen
`

/** http-proxy-middleware limited to the paths Vite serves the page from, the socket's path forgotten. */
const pathFilterWithoutHmr = (pkg: string) => `import express from 'express'
import { createProxyMiddleware } from '${pkg}'

const app = express()
const proxy = createProxyMiddleware({
  target: process.env.TARGET,
  ws: true,
  pathFilter: [
    '/index.html',
    '/src',
    '/@vite',
    '/@id',
    '/@fs',
    '/node_modules',
    // more paths
  ],
})
app.use(proxy)
app.listen(Number(process.env.PORT), process.env.HOST, () => console.log('listening'))
`

/** http-proxy-3 (the http-proxy rewrite Vite itself uses) with its web pass only. */
const HTTP_PROXY_3_WEB_ONLY = `import http from 'node:http'
import { createProxyServer } from 'http-proxy-3'

const proxy = createProxyServer({ target: process.env.TARGET })
const server = http.createServer((req, res) => proxy.web(req, res))
server.listen(Number(process.env.PORT), process.env.HOST, () => console.log('listening'))
// after listen
`

const scenario = useScenario({ names: true })

async function front(source: string, vite: RunningVite, port?: number) {
  const running = await startNodeFront(source, { TARGET: `http://${vite.host}:${vite.port}` }, port)
  scenario.defer(() => running.stop())
  return running
}

/** The output with this run's ports replaced, for a snapshot that holds on any machine. */
function portless(output: string, ports: Record<string, number>): string {
  let text = stripVTControlCharacters(output)
  for (const [name, port] of Object.entries(ports)) text = text.replaceAll(String(port), name)
  return text
    .replace(/still connecting \d+ ms/, 'still connecting N ms')
    .replace(/cut \d+ ms later/, 'cut N ms later')
    .replace(/no answer in \d+ s/g, 'no answer in N s')
}

/**
 * After a fix: outlasts the doctor's windows from the page's load, then nothing new in the terminal but the
 * "HMR works now" confirmation, and no notice on the page.
 */
async function expectQuietSince(vite: RunningVite, mark: number, watched: WatchedPage): Promise<void> {
  await outlastDoctor(vite, watched)
  const spoken = vite.logger
    .text()
    .slice(mark)
    .split('\n')
    .filter((line) => line.includes('[hmr-doctor]') && !line.includes('[hmr-doctor] HMR works now'))
  expect(spoken).toEqual([])
  expect(await noticeText(watched.page)).toBeNull()
}

/** Stops `broken`, starts `source` on its port, and proves HMR works through it and the doctor then quiet. */
async function expectFixWorks(
  broken: { port: number; stop(): Promise<void> },
  source: string,
  vite: RunningVite,
  context: Awaited<ReturnType<typeof scenario.context>>,
  path = '/',
): Promise<void> {
  await broken.stop()
  const mark = vite.logger.text().length
  const fixed = await front(source, vite, broken.port)
  const page = await openPage(context, `${fixed.origin}${path}`)
  await expectHmrApplies(page, vite)
  await expectQuietSince(vite, mark, page)
}

const PLAIN_REQUEST_LAYOUTS = [
  {
    name: 'Express + http-proxy-middleware 4.x without ws: true',
    express: true,
    source: expressWithHpm('http-proxy-middleware-4'),
    hmrPath: false,
    paste: pasteHpmFix(),
  },
  {
    name: 'http-proxy-middleware 3.x with ws: true, the socket before any request through it',
    express: true,
    source: socketBeforeAnyRequest('http-proxy-middleware'),
    hmrPath: true,
    paste: pasteHpmFix('/hmr'),
  },
  {
    name: 'http-proxy-middleware 4.x with ws: true, the socket before any request through it',
    express: true,
    source: socketBeforeAnyRequest('http-proxy-middleware-4'),
    hmrPath: true,
    paste: pasteHpmFix('/hmr'),
  },
  {
    name: 'http-proxy-3 with proxy.web only',
    express: false,
    source: HTTP_PROXY_3_WEB_ONLY,
    hmrPath: false,
    paste: (source: string, output: string) =>
      replaceLine(source, /\/\/ after listen/, printedBlock(output, HTTP_PROXY_UPGRADE)),
  },
]

const HPM_MAJORS = [
  { name: 'http-proxy-middleware 3.x', pkg: 'http-proxy-middleware' },
  { name: 'http-proxy-middleware 4.x', pkg: 'http-proxy-middleware-4' },
]

/** A micro-frontend shell: a Vite whose server.proxy sends /app2 to the app's own Vite (base /app2/). */
async function viteBehindVite(ws: boolean) {
  const app = await scenario.vite({ config: { base: '/app2/' } })
  const shell = await scenario.vite({
    doctor: false,
    host: PROXY_HOST,
    port: await freePort(PROXY_HOST),
    config: { server: { proxy: { '/app2': { target: `http://${app.host}:${app.port}`, ...(ws ? { ws } : {}) } } } },
  })
  return { app, shell, url: `http://${shell.host}:${shell.port}/app2/` }
}

describe.each(BROWSER_MODES)('more Node proxies in front of Vite, %s browser', (mode) => {
  test.each(PLAIN_REQUEST_LAYOUTS)('$name: diagnosed with its fix, which, pasted, makes HMR work', async (layout) => {
    const vite = await scenario.vite(layout.hmrPath ? { config: HMR_PATH } : {})
    const broken = await front(layout.source, vite)
    const context = await scenario.context(mode)
    await openPage(context, `${broken.origin}/`)

    const output = await scenario.diagnosis(vite, SUMMARY)
    expect(output).toContain("Vite's client dials no fallback while its socket hangs: this page gets no updates.")
    await expectFixWorks(broken, layout.paste(layout.source, output), vite, context)
  })

  /**
   * The front restarted (nodemon, node --watch) while the page stays open: Vite's client pings the new server
   * with a `vite-ping` socket before the page reloads, so that socket is the first request the middleware sees.
   */
  async function restartedFront(source: string) {
    const vite = await scenario.vite()
    const first = await front(source, vite)
    const context = await scenario.context(mode)
    const page = await openPage(context, `${first.origin}/`)
    await expectHmrApplies(page, vite)
    await first.stop()
    const mark = vite.logger.text().length
    const reloaded = page.page.waitForEvent('load', { timeout: 30_000 })
    const again = await front(source, vite, first.port)
    return { vite, context, page, mark, reloaded, again }
  }

  test.each(HPM_MAJORS)(
    '$name with ws: true and the upgrade line, the front restarted: the page reloads onto it, HMR works, quiet',
    async (layout) => {
      const source = replaceLine(
        expressWithHpm(layout.pkg, 'ws: true,'),
        /\/\/ after listen/,
        "server.on('upgrade', proxy.upgrade)",
      )
      const { vite, page, mark, reloaded } = await restartedFront(source)
      await reloaded
      await expectHmrApplies(page, vite)
      await expectQuietSince(vite, mark, page)
    },
  )

  test.each(HPM_MAJORS)(
    '$name with ws: true alone, the front restarted: the hanging ping is named with the upgrade line, which, pasted, makes HMR work on a page opened anew',
    async (layout) => {
      const source = expressWithHpm(layout.pkg, 'ws: true,')
      const { vite, context, page, mark, reloaded, again } = await restartedFront(source)
      // Chromium gives up on the held ping only after minutes: the page stays on the old server's state.
      reloaded.catch(() => undefined)
      const output = (await scenario.diagnosis(vite, SUMMARY)).slice(mark)
      const seen = portless(output, { FRONT_PORT: again.port })
        .split('\n')
        .find((line) => line.includes('seen:'))
      expect(seen).toMatchInlineSnapshot(
        `"  seen: the page at http://127.0.0.2:FRONT_PORT lost its HMR socket, and the vite-ping socket Vite's client then dials before it reloads (ws://127.0.0.2:FRONT_PORT/) was still connecting N ms after it was created; Vite answered a vite-ping handshake from that page (GET /, its header names in lowercase as Node's HTTP client sends them) with 101, and the connection was cut N ms later, so the page never reloads"`,
      )
      expect(printedBlock(output, HPM_UPGRADE)).toBe("server.on('upgrade', proxy.upgrade)")
      await page.page.close()
      await expectFixWorks(
        again,
        replaceLine(source, /\/\/ after listen/, printedBlock(output, HPM_UPGRADE)),
        vite,
        context,
      )
    },
  )

  test('Express + http-proxy-middleware 4.x with ws: true: silent, HMR works', async () => {
    const vite = await scenario.vite()
    const healthy = await front(expressWithHpm('http-proxy-middleware-4', 'ws: true,'), vite)
    const page = await openPage(await scenario.context(mode), `${healthy.origin}/`)
    await expectHmrApplies(page, vite)
    await expectSilence(vite, page)
  })

  /** The pathFilter layout through `pkg`, its page open, and what the doctor printed for it. */
  async function unroutedHmrPath(pkg: string) {
    const vite = await scenario.vite({ config: HMR_PATH })
    const broken = await front(pathFilterWithoutHmr(pkg), vite)
    const context = await scenario.context(mode)
    await openPage(context, `${broken.origin}/index.html`)
    const output = await scenario.diagnosis(vite, ROUTE_404)
    const pasted = (block: string) => replaceLine(pathFilterWithoutHmr(pkg), /\/\/ more paths/, block)
    return { vite, broken, context, output, pasted }
  }

  test.each(HPM_MAJORS)(
    '$name, a pathFilter without the HMR path: Express’s 404 named, and the printed pathFilter entry, pasted, makes HMR work',
    async (layout) => {
      const { vite, broken, context, output, pasted } = await unroutedHmrPath(layout.pkg)
      expect(portless(output, { VITE_PORT: vite.port, FRONT_PORT: broken.port })).toMatchInlineSnapshot(`
        "[hmr-doctor] Express answered 404 for /hmr itself: none of its middlewares takes the HMR socket's path.
          seen: the page at http://127.0.0.2:FRONT_PORT dialled ws://127.0.0.2:FRONT_PORT/hmr?token=…; asked over plain HTTP, that URL answered 404 with Express's own page (X-Powered-By: Express), and no handshake from the page reached Vite
          Route /hmr to Vite as a WebSocket. Vite listens on 127.0.0.1:VITE_PORT.
          If your server proxies to Vite with http-proxy-middleware (ws: true in the same options), add the path to its pathFilter list.

          http-proxy-middleware, in the pathFilter list you pass to createProxyMiddleware({ … }):

            '/hmr',

          vite.config: nothing to change.
          Then restart your server."
      `)
      const block = printedBlock(output, HPM_PATH_FILTER)
      expect(block).toBe("'/hmr',")
      await expectFixWorks(broken, pasted(block), vite, context, '/index.html')
    },
  )

  test('http-proxy-middleware reached by a name, without changeOrigin: Vite refuses the Host; no fix printed that any client could choose', async () => {
    const vite = await scenario.vite()
    const broken = await front(expressWithHpm('http-proxy-middleware', 'ws: true,'), vite)
    const context = await scenario.context(mode)
    const url = `http://${PROXY_NAME}:${broken.port}/`
    await openPage(context, url)
    const output = await scenario.diagnosis(vite, `[hmr-doctor] Vite's host check refuses "${PROXY_NAME}"`)
    expect(portless(output, { FRONT_PORT: broken.port })).toMatchInlineSnapshot(`
      "[hmr-doctor] Vite's host check refuses "app.test": every page through the proxy gets 403, and Vite logs nothing.
        seen: GET / with Host: app.test:FRONT_PORT
        If "app.test" is the name your proxy or tunnel serves the app under, add it to server.allowedHosts in vite.config and restart Vite.
        Nothing is printed to paste: any client can send any Host, and this one was not seen from a page of this server. Allow only a name you recognise (never allowedHosts: true): an allowed name lets sites under it read this dev server."
    `)
    expect(output).not.toContain('changeOrigin')

    // The user's own fix, by hand: the name allowed in vite.config (the doctor prints nothing to paste).
    await vite.stop()
    const { configFile, files } = configWithPrintedFix(
      'export default defineConfig({})',
      `export default defineConfig({ server: { allowedHosts: ['${PROXY_NAME}'] } })`,
    )
    const allowed = await scenario.vite({ configFile, files, port: vite.port })
    const page = await openPage(context, url)
    await expectHmrApplies(page, allowed)
    await expectSilence(allowed, page)
  })

  test('http-proxy-middleware reached by a name, changeOrigin: true and ws: true: silent, HMR works', async () => {
    const vite = await scenario.vite()
    const healthy = await front(expressWithHpm('http-proxy-middleware', 'ws: true,\n  changeOrigin: true,'), vite)
    const page = await openPage(await scenario.context(mode), `http://${PROXY_NAME}:${healthy.port}/`)
    await expectHmrApplies(page, vite)
    await expectSilence(vite, page)
  })

  test("Vite's server.proxy in front of another Vite, with ws: true: silent, HMR works", async () => {
    const { app, url } = await viteBehindVite(true)
    const page = await openPage(await scenario.context(mode), url)
    await expectHmrApplies(page, app)
    await expectSilence(app, page)
  })

  test("Vite's server.proxy in front of another Vite, without ws: true: named, and the printed option, pasted, makes HMR work", async () => {
    const { app, shell, url } = await viteBehindVite(false)
    const context = await scenario.context(mode)
    await openPage(context, url)
    const output = await scenario.diagnosis(app, VITE_PROXY_SUMMARY)
    const seen = portless(output, { FRONT_PORT: shell.port })
      .split('\n')
      .find((line) => line.includes('seen:'))
    expect(seen).toMatchInlineSnapshot(
      `"  seen: the page at http://127.0.0.2:FRONT_PORT dialled ws://127.0.0.2:FRONT_PORT/app2/?token=…, still connecting N ms after it was created, and no handshake from that page reached this Vite; asked over plain HTTP, that URL answered with this Vite's page, and http://127.0.0.2:FRONT_PORT/@vite/client with another Vite's client"`,
    )
    expect(printedBlock(output, VITE_PROXY_WHERE)).toBe('ws: true,')
    await shell.stop()
    const mark = app.logger.text().length
    const fixed = await scenario.vite({
      doctor: false,
      host: PROXY_HOST,
      port: shell.port,
      config: { server: { proxy: { '/app2': { target: `http://${app.host}:${app.port}`, ws: true } } } },
    })
    const page = await openPage(context, `http://${fixed.host}:${fixed.port}/app2/`)
    await expectHmrApplies(page, app)
    await expectQuietSince(app, mark, page)
  })
})

describe('hmr-doctor check on the same layouts', () => {
  test.each(HPM_MAJORS)('$name, a pathFilter without the HMR path: the same cause as the plugin', async (layout) => {
    const vite = await scenario.vite({ config: HMR_PATH })
    const broken = await front(pathFilterWithoutHmr(layout.pkg), vite)
    const run = await runCli(['check', `${broken.origin}/index.html`, '--timeout', '30'])
    expect(run.code).toBe(1)
    expect(portless(run.stdout, { VITE_PORT: vite.port, FRONT_PORT: broken.port })).toMatchInlineSnapshot(`
      "[hmr-doctor] checked http://127.0.0.2:FRONT_PORT/index.html
        page: http://127.0.0.2:FRONT_PORT/index.html answered 200 (Vite's page)
        client: http://127.0.0.2:FRONT_PORT/@vite/client answered 200 (Vite's client)
        socket: ws://127.0.0.2:FRONT_PORT/hmr no answer in N s; over plain HTTP: 404 (not from Vite)

      [hmr-doctor] Express answered 404 for /hmr itself: none of its middlewares takes the HMR socket's path.
        seen: the page at http://127.0.0.2:FRONT_PORT dialled ws://127.0.0.2:FRONT_PORT/hmr; asked over plain HTTP, that URL answered 404 with Express's own page (X-Powered-By: Express), and no handshake from the page reached Vite
        Route /hmr to Vite as a WebSocket. Vite listens on 127.0.0.1:VITE_PORT.
        If your server proxies to Vite with http-proxy-middleware (ws: true in the same options), add the path to its pathFilter list.

        http-proxy-middleware, in the pathFilter list you pass to createProxyMiddleware({ … }):

          '/hmr',

        vite.config: nothing to change.
        Then restart your server.

        assumed:
        - Vite listens on 127.0.0.1:VITE_PORT, as its client names it.
      "
    `)
    expect(printedBlock(run.stdout, HPM_PATH_FILTER)).toBe("'/hmr',")
  })

  test('Express + http-proxy-middleware 4.x with ws: true: HMR works, exit 0', async () => {
    const vite = await scenario.vite()
    const healthy = await front(expressWithHpm('http-proxy-middleware-4', 'ws: true,'), vite)
    const run = await runCli(['check', `${healthy.origin}/`, '--timeout', '30'])
    expect(run.stdout).toContain(`[hmr-doctor] HMR works through ${healthy.origin}/`)
    expect(run.code).toBe(0)
  })

  test("Vite's server.proxy with ws: true in front of another Vite: HMR works, exit 0", async () => {
    const { url } = await viteBehindVite(true)
    const run = await runCli(['check', url, '--timeout', '30'])
    expect(run.stdout).toContain(`[hmr-doctor] HMR works through ${url}`)
    expect(run.code).toBe(0)
  })

  // From outside, nothing says a bare http.Server is Node: the hop is described, with no library lines.
  test.each(PLAIN_REQUEST_LAYOUTS.filter((layout) => !layout.express))(
    '$name: no claim the socket works, and no fix it cannot back',
    async (layout) => {
      const vite = await scenario.vite(layout.hmrPath ? { config: HMR_PATH } : {})
      const broken = await front(layout.source, vite)
      const run = await runCli(['check', `${broken.origin}/`, '--timeout', '30'])
      expect(run.code).toBe(1)
      expect(run.stdout).not.toContain('HMR works')
      expect(run.stdout).toContain(
        "[hmr-doctor] The hop in front of Vite carries the HMR socket's URL to Vite over plain HTTP but not its handshake",
      )
      expect(printedBlocks(run.stdout).size).toBe(0)
    },
  )

  test.each(PLAIN_REQUEST_LAYOUTS.filter((layout) => layout.express))(
    '$name: the same cause and blocks as the plugin',
    async (layout) => {
      const vite = await scenario.vite(layout.hmrPath ? { config: HMR_PATH } : {})
      const broken = await front(layout.source, vite)
      const run = await runCli(['check', `${broken.origin}/`, '--timeout', '30'])
      expect(run.code).toBe(1)
      expect(run.stdout).toContain(SUMMARY)
      const context = await scenario.context('proxy-only')
      await openPage(context, `${broken.origin}/`)
      const plugin = await scenario.diagnosis(vite, SUMMARY)
      const cli = printedBlocks(run.stdout)
      for (const [where, text] of printedBlocks(plugin)) expect(cli.get(where), where).toBe(text)
      await expectFixWorks(broken, layout.paste(layout.source, run.stdout), vite, context)
    },
  )

  test("Vite's server.proxy without ws: true in front of another Vite: named, with the option", async () => {
    const { url } = await viteBehindVite(false)
    const run = await runCli(['check', url, '--timeout', '30'])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(VITE_PROXY_SUMMARY)
    expect(printedBlock(run.stdout, VITE_PROXY_WHERE)).toBe('ws: true,')
  })
})
