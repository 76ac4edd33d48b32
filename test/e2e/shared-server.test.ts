import { rmSync } from 'node:fs'
import { stripVTControlCharacters } from 'node:util'
import { describe, expect, test } from 'vitest'
import {
  BROWSER_MODES,
  copyFixtureApp,
  editor,
  expectHmrApplies,
  expectSilence,
  openPage,
  printedBlock,
  replaceLine,
  socketOptionsKey,
  startNodeFront,
} from '../harness/index.js'
import { useScenario } from '../harness/scenario.js'

const SUMMARY =
  "[hmr-doctor] Your app's WebSocket server (new WebSocketServer({ server }) from ws) answers Vite's HMR handshake too"
const WHERE = `your server script, in place of new WebSocketServer({ server }), with server the HTTP server you give Vite as server.${socketOptionsKey()}.server`
const APP_GREETING = 'hello from the app'

/**
 * A custom Express server with Vite in middleware mode on the app's own HTTP server (Vite's SSR guide), the
 * doctor installed, and the app's own WebSocket server attached to that same server by `appSockets`.
 */
const sharedServer = (imports: string, appSockets: string) => `import { readFileSync } from 'node:fs'
import http from 'node:http'
import { join } from 'node:path'
import express from 'express'
import { createServer } from 'vite'
import hmrDoctor from 'vite-plugin-hmr-doctor'
${imports}

const root = process.env.ROOT
const app = express()
const server = http.createServer(app)
const vite = await createServer({
  root,
  configFile: false,
  appType: 'custom',
  clearScreen: false,
  plugins: [hmrDoctor()],
  optimizeDeps: { noDiscovery: true, include: [] },
  server: { middlewareMode: true, ${socketOptionsKey()}: { server } },
})
app.use(vite.middlewares)
app.use(async (req, res, next) => {
  try {
    const html = readFileSync(join(root, 'index.html'), 'utf8')
    res.type('html').send(await vite.transformIndexHtml(req.originalUrl, html))
  } catch (error) {
    next(error)
  }
})
${appSockets}
server.listen(Number(process.env.PORT), process.env.HOST, () => console.log('listening'))
`

const WS_APP = sharedServer(
  "import { WebSocketServer } from 'ws'",
  `const wss = new WebSocketServer({ server })
wss.on('connection', (ws) => {
  ws.on('error', console.error)
  ws.send('${APP_GREETING}')
})`,
)

const SOCKET_IO_APP = sharedServer(
  "import { Server } from 'socket.io'",
  `const io = new Server(server)
io.on('connection', (socket) => socket.emit('greeting', '${APP_GREETING}'))`,
)

const scenario = useScenario()

async function run(source: string, root: string, port?: number) {
  const running = await startNodeFront(source, { ROOT: root }, port)
  scenario.defer(() => running.stop())
  return { ...running, logger: { text: () => stripVTControlCharacters(running.output()) }, doctor: {} }
}

function app() {
  const root = copyFixtureApp({})
  scenario.defer(async () => rmSync(root, { recursive: true, force: true }))
  return { root, edit: editor(root) }
}

describe.each(BROWSER_MODES)("an app's own WebSocket server on Vite's server, %s browser", (mode) => {
  test('ws with { server }: named, and the printed routing, pasted, makes HMR work and keeps the app’s socket', async () => {
    const { root, edit } = app()
    const broken = await run(WS_APP, root)
    const context = await scenario.context(mode, broken.origin.replace('http://', ''))
    const brokenPage = await openPage(context, `${broken.origin}/`)

    const output = await scenario.diagnosis(broken, SUMMARY)
    const block = printedBlock(output, WHERE)

    // Its client would reload it onto the next server while that one starts: only the new page is watched.
    await brokenPage.page.close()
    await broken.stop()
    const fixed = await run(replaceLine(WS_APP, /new WebSocketServer\(\{ server \}\)/, block), root, broken.port)
    const page = await openPage(context, `${fixed.origin}/`)
    await expectHmrApplies(page, { edit })
    const greeting = await page.page.evaluate(
      (url) =>
        new Promise<string>((resolve, reject) => {
          const socket = new WebSocket(url)
          socket.onmessage = (event) => resolve(String(event.data))
          socket.onerror = () => reject(new Error('the app socket failed'))
        }),
      `${fixed.origin.replace('http', 'ws')}/app`,
    )
    expect(greeting).toBe(APP_GREETING)
  })

  test('socket.io on the same server: silent, HMR works', async () => {
    const { root, edit } = app()
    const healthy = await run(SOCKET_IO_APP, root)
    const page = await openPage(
      await scenario.context(mode, healthy.origin.replace('http://', '')),
      `${healthy.origin}/`,
    )
    await expectHmrApplies(page, { edit })
    await expectSilence(healthy, page)
  })
})
