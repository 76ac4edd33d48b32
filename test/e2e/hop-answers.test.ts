import { describe, expect, test } from 'vitest'
import {
  BROWSER_MODES,
  expectHmrApplies,
  freePort,
  nginxConfig,
  openPage,
  PROXY_HOST,
  printedBlock,
} from '../harness/index.js'
import { UPGRADE_HEADERS, useScenario, WEBSOCKET_MAP } from '../harness/scenario.js'

const HTTP_BLOCK = 'nginx, inside http {}'
const SERVER_BLOCK = 'nginx, inside the server {} that proxies Vite'

const scenario = useScenario()

describe.each(BROWSER_MODES)('what each hop answered, %s browser', (mode) => {
  test("the seed's 426: nginx flattens the handshake on its way to Vite's socket server; the printed location fixes it", async () => {
    const hmrPort = await freePort()
    const port = await freePort(PROXY_HOST)
    const vite = await scenario.vite({
      configFile: `import { defineConfig } from 'vite'

export default defineConfig({ server: { ws: { port: ${hmrPort}, clientPort: ${port}, path: 'hmr' } } })
`,
    })
    // A route for the socket's path to Vite's socket server, but without the upgrade headers.
    const hmrRoute = `location /hmr {\n    proxy_pass http://127.0.0.1:${hmrPort};\n}`
    const { nginx, origin, site } = await scenario.nginx(
      { upstream: `${vite.host}:${vite.port}`, http: WEBSOCKET_MAP, location: UPGRADE_HEADERS, server: hmrRoute },
      { port },
    )
    const context = await scenario.context(mode)
    await openPage(context, `${origin}/`)
    const output = await scenario.diagnosis(
      vite,
      `[hmr-doctor] nginx drops the WebSocket upgrade: the HMR handshake reaches Vite's socket server (port ${hmrPort}) as a plain request, and it answers 426 Upgrade Required.`,
    )
    const location = printedBlock(output, SERVER_BLOCK)
    expect(location).toContain(`proxy_pass http://127.0.0.1:${hmrPort};`)

    await nginx.restart(nginxConfig({ ...site, server: `${location}\n${hmrRoute}` }))
    const fixed = await openPage(context, `${origin}/`)
    await expectHmrApplies(fixed, vite)
    expect(fixed.console.join('\n')).not.toMatch(/WebSocket connection to .* failed/)
  })

  test('Upgrade kept, Connection emptied (a keepalive recipe): the lost header is named; the printed lines fix it', async () => {
    const vite = await scenario.vite()
    const location = `proxy_http_version 1.1;\nproxy_set_header Upgrade $http_upgrade;\nproxy_set_header Connection "";`
    const { nginx, origin, site } = await scenario.nginx({ upstream: `${vite.host}:${vite.port}`, location })
    const context = await scenario.context(mode)
    await openPage(context, `${origin}/`)
    // nginx speaking HTTP/1.1 without `Connection: close` leaves no mark to tell it by: "the proxy".
    const output = await scenario.diagnosis(vite, '[hmr-doctor] The proxy drops the WebSocket upgrade')
    expect(output).toContain('The proxy passes Upgrade on but not Connection: upgrade, so Vite sees no upgrade at all.')
    expect(output).toContain('with no Connection header and Upgrade: websocket')

    await nginx.restart(
      nginxConfig({ ...site, http: printedBlock(output, HTTP_BLOCK), server: printedBlock(output, SERVER_BLOCK) }),
    )
    const fixed = await openPage(context, `${origin}/`)
    await expectHmrApplies(fixed, vite)
    expect(fixed.console.join('\n')).not.toMatch(
      /WebSocket connection to .* failed|Direct websocket connection fallback/,
    )
  })
})
