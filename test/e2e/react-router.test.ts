import { describe, expect, test, vi } from 'vitest'
import {
  BROWSER_MODES,
  expectHmrApplies,
  expectSilentThenFixed,
  fixtureFile,
  fixtureModule,
  freePort,
  nginxConfig,
  openPage,
  PROXY_HOST,
  printedBlock,
  type RunningFramework,
  socketOptionsKey,
  startFramework,
} from '../harness/index.js'
import { useScenario } from '../harness/scenario.js'

const scenario = useScenario()

/**
 * The template as it is, but for the port of middleware mode's own socket server: a free one rather than
 * Vite's default 24678, which another run on this machine may hold. The client dials whichever it is told.
 */
function withSocketPort(port: number): string {
  const viteConfig = fixtureFile('react-router', 'vite.config.ts')
  return edit(viteConfig, 'plugins: [', `server: { ${socketOptionsKey()}: { port: ${port} } }, plugins: [`)
}

/** Replaces `from` in `text`, which must hold it: an edit that finds nothing to change is a broken test. */
function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`no "${from}" in:\n${text}`)
  return text.replace(from, to)
}

/**
 * The template's server.js as a user edits it along the printed lines: an HTTP server of the app's own,
 * given to Vite for the socket, listening in place of `app.listen`.
 */
function withSharedServer(serverJs: string, printed: string): string {
  const createLine = printed.split('\n').find((line) => line.includes('middlewareMode'))
  if (!createLine) throw new Error(`no Vite options in the printed lines:\n${printed}`)
  let text = edit(
    serverJs,
    "import express from 'express'",
    "import http from 'node:http'\nimport express from 'express'",
  )
  text = edit(text, 'const viteDevServer', 'const httpServer = http.createServer(app)\nconst viteDevServer')
  text = edit(
    text,
    'vite.createServer({ server: { middlewareMode: true } })',
    `vite.createServer({${createLine.trim()}})`,
  )
  return edit(text, 'app.listen(', 'httpServer.listen(')
}

// A framework compiles its first page on request: three files at a time on a loaded machine can take a minute.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 })

describe.each(BROWSER_MODES)('React Router behind nginx, %s browser', (mode) => {
  test('react-router dev: silent while upgrades are forwarded; a bare proxy_pass named, its fix makes HMR work', async () => {
    const app = await startFramework('react-router', (port, host) => [
      fixtureModule('react-router', '@react-router/dev/bin.cjs'),
      'dev',
      '--host',
      host,
      '--port',
      String(port),
    ])
    scenario.defer(() => app.stop())
    const output = await expectSilentThenFixed(scenario, app, mode)
    expect(output).not.toContain('The browser dials the HMR socket at')
  })

  test("the custom-server template (middleware mode): its socket port named, the app's server shared, then nginx's lines: HMR works", async () => {
    const socketPort = await freePort()
    const customServer = (options: { port?: number; files?: Record<string, string> } = {}): Promise<RunningFramework> =>
      startFramework('react-router', () => ['server.js'], options)
    let app = await customServer({ files: { 'vite.config.ts': withSocketPort(socketPort) } })
    scenario.defer(() => app.stop())
    const proxied = await scenario.nginx({ upstream: `${app.host}:${app.port}` })
    // Vite's socket server listens on every address: a remote browser reaches only nginx's port.
    const context = await scenario.context(mode, `${PROXY_HOST}:${proxied.port}`)
    await openPage(context, `${proxied.origin}/`)

    const output = await scenario.diagnosis(app, '[hmr-doctor] In middleware mode Vite serves the HMR socket')
    expect(output).toContain(`a port of its own (${socketPort})`)
    expect(output).not.toContain('clientPort')
    const printed = printedBlock(output, 'your server script, where it creates Vite in middleware mode')
    expect(printed).toContain(`${socketOptionsKey()}: { server: httpServer }`)

    const port = app.port
    await app.stop()
    const serverJs = withSharedServer(fixtureFile('react-router', 'server.js'), printed)
    app = await customServer({ port, files: { 'server.js': serverJs } })
    await openPage(context, `${proxied.origin}/`)
    const next = await scenario.diagnosis(app, '[hmr-doctor] nginx drops the WebSocket upgrade')
    await proxied.nginx.restart(
      nginxConfig({
        ...proxied.site,
        http: printedBlock(next, 'nginx, inside http {}'),
        server: printedBlock(next, 'nginx, inside the server {} that proxies Vite'),
      }),
    )
    await expectHmrApplies(await openPage(context, `${proxied.origin}/`), app)
  })
})
