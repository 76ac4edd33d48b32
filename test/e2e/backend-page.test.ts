import { describe, expect, test } from 'vitest'
import {
  BROWSER_MODES,
  backendPage,
  expectHmrApplies,
  expectSilence,
  freePort,
  nginxConfig,
  openPage,
  PROXY_HOST,
  printedBlock,
} from '../harness/index.js'
import { UPGRADE_HEADERS, useScenario, WEBSOCKET_MAP } from '../harness/scenario.js'

const scenario = useScenario()

/**
 * A backend page whose Vite is reached at `viteOrigin` (nginx in front of Vite, or Vite itself on
 * `vitePort`), and that Vite, configured as backend integrations configure it: Vite's URLs point at Vite's
 * origin, and its CORS lets the backend's page in.
 */
async function backendWithVite(viteOrigin: string, vitePort?: number) {
  const backend = await backendPage(scenario, viteOrigin)
  const vite = await scenario.vite({
    ...(vitePort === undefined ? {} : { host: PROXY_HOST, port: vitePort }),
    config: { server: { origin: viteOrigin, cors: { origin: backend } } },
  })
  return { backend, vite }
}

describe.each(BROWSER_MODES)('a page the backend renders, Vite behind a bare nginx, %s browser', (mode) => {
  test('only the dropped upgrade is named (no socket "misdirected" to the backend); its fix makes HMR work', async () => {
    const nginxPort = await freePort(PROXY_HOST)
    const viteOrigin = `http://${PROXY_HOST}:${nginxPort}`
    const { backend, vite } = await backendWithVite(viteOrigin)
    const { nginx, site } = await scenario.nginx({ upstream: `${vite.host}:${vite.port}` }, { port: nginxPort })
    const context = await scenario.context(mode)
    await openPage(context, `${backend}/`)

    const output = await scenario.diagnosis(vite, '[hmr-doctor] nginx drops the WebSocket upgrade')
    expect(output).toContain(`from the page at ${backend}`)
    expect(output).not.toContain('The browser dials the HMR socket at')
    expect(output).not.toContain('clientPort')

    await nginx.restart(
      nginxConfig({
        ...site,
        http: printedBlock(output, 'nginx, inside http {}'),
        server: printedBlock(output, 'nginx, inside the server {} that proxies Vite'),
      }),
    )
    const fixed = await openPage(context, `${backend}/`)
    await expectHmrApplies(fixed, vite)
  })
})

describe.each(BROWSER_MODES)('a page the backend renders, healthy, %s browser', (mode) => {
  test('Vite behind nginx forwarding the upgrade: silent, HMR works', async () => {
    const nginxPort = await freePort(PROXY_HOST)
    const viteOrigin = `http://${PROXY_HOST}:${nginxPort}`
    const { backend, vite } = await backendWithVite(viteOrigin)
    await scenario.nginx(
      { upstream: `${vite.host}:${vite.port}`, http: WEBSOCKET_MAP, location: UPGRADE_HEADERS },
      { port: nginxPort },
    )
    const page = await openPage(await scenario.context(mode), `${backend}/`)
    await expectHmrApplies(page, vite)
    await expectSilence(vite, page)
  })
})

describe('a page the backend renders, Vite reached directly, direct browser', () => {
  test("Laravel's layout (page on the backend's port, client and socket on Vite's): silent, HMR works", async () => {
    const vitePort = await freePort(PROXY_HOST)
    const viteOrigin = `http://${PROXY_HOST}:${vitePort}`
    const { backend, vite } = await backendWithVite(viteOrigin, vitePort)
    const page = await openPage(await scenario.context('direct'), `${backend}/`)
    await expectHmrApplies(page, vite)
    await expectSilence(vite, page)
  })
})
