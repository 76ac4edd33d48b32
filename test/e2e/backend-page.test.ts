import { describe, expect, test } from 'vitest'
import {
  BROWSER_MODES,
  backendPage,
  expectHmrApplies,
  freePort,
  nginxConfig,
  openPage,
  PROXY_HOST,
  printedBlock,
} from '../harness/index.js'
import { useScenario } from '../harness/scenario.js'

const scenario = useScenario()

describe.each(BROWSER_MODES)('a page the backend renders, Vite behind a bare nginx, %s browser', (mode) => {
  test('only the dropped upgrade is named (no socket "misdirected" to the backend); its fix makes HMR work', async () => {
    const nginxPort = await freePort(PROXY_HOST)
    const viteOrigin = `http://${PROXY_HOST}:${nginxPort}`
    const backend = await backendPage(scenario, viteOrigin)
    // What backend integrations set: Vite's URLs point at Vite's origin, which lets the backend's page in.
    const vite = await scenario.vite({ config: { server: { origin: viteOrigin, cors: { origin: backend } } } })
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
