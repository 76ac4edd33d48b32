import { describe, test } from 'vitest'
import { BROWSER_MODES, expectHmrApplies, expectSilence, freePort, openPage, PROXY_HOST } from '../harness/index.js'
import { UPGRADE_HEADERS, useScenario, WEBSOCKET_MAP } from '../harness/scenario.js'

/** The nginx setup most guides give for Vite: upgrade headers forwarded on every location. */
const WEBSOCKET_HEADERS = `${UPGRADE_HEADERS}
proxy_set_header Host $host;`

const scenario = useScenario()

describe.each(BROWSER_MODES)('healthy setups stay silent, %s browser', (mode) => {
  test('nginx forwarding the upgrade: HMR applies, nothing printed, nothing sent', async () => {
    const vite = await scenario.vite()
    const { origin } = await scenario.nginx({
      upstream: `${vite.host}:${vite.port}`,
      http: WEBSOCKET_MAP,
      location: WEBSOCKET_HEADERS,
    })
    const context = await scenario.context(mode)

    const watched = await openPage(context, `${origin}/`)
    await expectHmrApplies(watched, vite)
    await expectSilence(vite, watched)
  })

  test('no proxy: HMR applies, nothing printed, nothing sent', async () => {
    const vite = await scenario.vite({ host: PROXY_HOST })
    const context = await scenario.context(mode)

    const watched = await openPage(context, `http://${vite.host}:${vite.port}/`)
    await expectHmrApplies(watched, vite)
    await expectSilence(vite, watched)
  })

  test('a separate HMR port with its own nginx route: HMR applies, nothing printed, nothing sent', async () => {
    const hmrPort = await freePort()
    const port = await freePort(PROXY_HOST)
    const vite = await scenario.vite({
      configFile: `import { defineConfig } from 'vite'

export default defineConfig({ server: { ws: { port: ${hmrPort}, clientPort: ${port}, path: 'hmr' } } })
`,
    })
    const { origin } = await scenario.nginx(
      {
        upstream: `${vite.host}:${vite.port}`,
        http: WEBSOCKET_MAP,
        server: `location = /hmr {\n    proxy_pass http://127.0.0.1:${hmrPort};\n${WEBSOCKET_HEADERS.replace(/^/gm, '    ')}\n}`,
      },
      { port },
    )
    const context = await scenario.context(mode)

    const watched = await openPage(context, `${origin}/`)
    await expectHmrApplies(watched, vite)
    await expectSilence(vite, watched)
  })

  test('no proxy and a separate HMR port: HMR applies, nothing printed, nothing sent', async () => {
    const hmrPort = await freePort()
    const vite = await scenario.vite({
      host: PROXY_HOST,
      configFile: `import { defineConfig } from 'vite'\n\nexport default defineConfig({ server: { ws: { port: ${hmrPort} } } })\n`,
    })
    const context = await scenario.context(mode)

    const watched = await openPage(context, `http://${vite.host}:${vite.port}/`)
    await expectHmrApplies(watched, vite)
    await expectSilence(vite, watched)
  })
})
