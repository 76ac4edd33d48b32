import { describe, expect, test } from 'vitest'
import {
  BROWSER_MODES,
  type BrowserMode,
  expectHmrApplies,
  expectSilence,
  nginxConfig,
  openPage,
  PROXY_HOST,
  printedBlock,
  type RunningMiddlewareApp,
  socketOptionsKey,
  startMiddlewareApp,
} from '../harness/index.js'
import { UPGRADE_HEADERS, useScenario, WEBSOCKET_MAP } from '../harness/scenario.js'

const scenario = useScenario()

const SERVER_SCRIPT = 'your server script, where it creates Vite in middleware mode'

/** A custom Express server with Vite in middleware mode, stopped after the test. */
async function app(options: Parameters<typeof startMiddlewareApp>[0]): Promise<RunningMiddlewareApp> {
  const running = await startMiddlewareApp(options)
  scenario.defer(() => running.stop())
  return running
}

/**
 * nginx in front of the app, and a browser: `proxy-only` reaches nothing but nginx's own port (Vite's
 * socket server listens on every address, the proxy's included).
 */
async function behindNginx(target: RunningMiddlewareApp, mode: BrowserMode, upgrades: boolean) {
  const proxied = await scenario.nginx({
    upstream: `${target.host}:${target.port}`,
    ...(upgrades ? { http: WEBSOCKET_MAP, location: UPGRADE_HEADERS } : {}),
  })
  const context = await scenario.context(mode, `${PROXY_HOST}:${proxied.port}`)
  return { ...proxied, context }
}

/** Pastes the nginx lines the doctor printed and restarts nginx on the same address. */
async function applyNginxFix(proxied: Awaited<ReturnType<typeof behindNginx>>, output: string): Promise<void> {
  await proxied.nginx.restart(
    nginxConfig({
      ...proxied.site,
      http: printedBlock(output, 'nginx, inside http {}'),
      server: printedBlock(output, 'nginx, inside the server {} that proxies Vite'),
    }),
  )
}

describe.each(BROWSER_MODES)('middleware mode behind nginx, %s browser', (mode) => {
  test(`the socket on the app's own server (${socketOptionsKey()}.server), nginx forwarding upgrades: silent, HMR works`, async () => {
    const target = await app({ shareServer: true })
    const { origin, context } = await behindNginx(target, mode, true)
    const page = await openPage(context, `${origin}/`)
    await expectHmrApplies(page, target)
    await expectSilence(target, page)
  })

  test("the socket on the app's own server, a bare proxy_pass: the dropped upgrade on the app's server is named, and its fix makes HMR work", async () => {
    const target = await app({ shareServer: true })
    const proxied = await behindNginx(target, mode, false)
    await openPage(proxied.context, `${proxied.origin}/`)

    const output = await scenario.diagnosis(target, '[hmr-doctor] nginx drops the WebSocket upgrade')
    expect(output).toContain(`proxy_pass http://${target.host}:${target.port};`)
    expect(output).not.toContain('port ?')

    await applyNginxFix(proxied, output)
    await expectHmrApplies(await openPage(proxied.context, `${proxied.origin}/`), target)
  })

  test("Vite's own socket port past a bare proxy_pass: named without a clientPort; sharing the app's server, then the printed nginx lines, make HMR work", async () => {
    const apart = await startMiddlewareApp({ shareServer: false })
    let current = apart
    scenario.defer(() => current.stop())
    const proxied = await behindNginx(apart, mode, false)
    await openPage(proxied.context, `${proxied.origin}/`)

    const output = await scenario.diagnosis(apart, '[hmr-doctor] In middleware mode Vite serves the HMR socket')
    expect(output).toContain(`a port of its own (${apart.socketPort}), apart from ${proxied.origin}`)
    expect(output).not.toContain('clientPort')
    expect(output).not.toContain('The browser dials the HMR socket at')
    // The printed lines are what the fixture's server does with `shareServer`.
    expect(printedBlock(output, SERVER_SCRIPT)).toContain(
      `server: { middlewareMode: true, ${socketOptionsKey()}: { server: httpServer } },`,
    )

    await apart.stop()
    current = await startMiddlewareApp({ shareServer: true, port: apart.port })
    await openPage(proxied.context, `${proxied.origin}/`)
    const next = await scenario.diagnosis(current, '[hmr-doctor] nginx drops the WebSocket upgrade')
    await applyNginxFix(proxied, next)
    await expectHmrApplies(await openPage(proxied.context, `${proxied.origin}/`), current)
  })
})

describe('middleware mode without a proxy, direct browser', () => {
  test("Vite's own socket port, the page straight from the app: silent, HMR works", async () => {
    const target = await app({ shareServer: false, host: PROXY_HOST })
    const context = await scenario.context('direct')
    const page = await openPage(context, `http://${target.host}:${target.port}/`)
    await expectHmrApplies(page, target)
    await expectSilence(target, page)
  })
})
