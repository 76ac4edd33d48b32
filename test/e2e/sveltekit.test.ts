import { describe, expect, test } from 'vitest'
import {
  BROWSER_MODES,
  expectHmrApplies,
  expectSilence,
  nginxConfig,
  openPage,
  printedBlock,
  startViteCli,
} from '../harness/index.js'
import { UPGRADE_HEADERS, useScenario, WEBSOCKET_MAP } from '../harness/scenario.js'

const scenario = useScenario()

describe.each(BROWSER_MODES)('SvelteKit (its Vite dev server) behind nginx, %s browser', (mode) => {
  test('forwarding upgrades: silent, HMR works; a bare proxy_pass: named, its printed fix makes HMR work', async () => {
    const vite = await startViteCli('sveltekit')
    scenario.defer(() => vite.stop())
    const healthy = await scenario.nginx({
      upstream: `${vite.host}:${vite.port}`,
      http: WEBSOCKET_MAP,
      location: UPGRADE_HEADERS,
    })
    const context = await scenario.context(mode)
    const page = await openPage(context, `${healthy.origin}/`)
    await expectHmrApplies(page, vite)
    await expectSilence(vite, page)
    // SvelteKit warns at startup about any plugin with an HTML hook it never calls: the doctor drops its own.
    expect(vite.logger.text()).not.toContain('vite-plugin-hmr-doctor')
    await page.page.close()

    const { nginx, site, origin } = await scenario.nginx({ upstream: `${vite.host}:${vite.port}` })
    await openPage(context, `${origin}/`)
    const output = await scenario.diagnosis(vite, '[hmr-doctor] nginx drops the WebSocket upgrade')
    expect(output).not.toContain('The browser dials the HMR socket at')
    await nginx.restart(
      nginxConfig({
        ...site,
        http: printedBlock(output, 'nginx, inside http {}'),
        server: printedBlock(output, 'nginx, inside the server {} that proxies Vite'),
      }),
    )
    await expectHmrApplies(await openPage(context, `${origin}/`), vite)
  })
})
