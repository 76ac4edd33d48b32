import { createServer } from 'node:http'
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
import { useScenario } from '../harness/scenario.js'

const scenario = useScenario()

/**
 * A backend-rendered page (Laravel, Rails, Django, an Express template): the backend serves the HTML on its
 * own origin, and the page loads Vite's client and entry from Vite's origin, here nginx in front of Vite.
 * The page's origin differs from the socket's by design.
 */
async function backendPage(viteOrigin: string): Promise<string> {
  const port = await freePort(PROXY_HOST)
  const html = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>rendered by the backend</title>
    <script type="module" src="${viteOrigin}/@vite/client"></script>
  </head>
  <body>
    <p id="message"></p>
    <script type="module" src="${viteOrigin}/src/main.ts"></script>
  </body>
</html>`
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html))
  await new Promise<void>((resolve) => server.listen(port, PROXY_HOST, resolve))
  scenario.defer(() => new Promise((resolve) => server.close(resolve)))
  return `http://${PROXY_HOST}:${port}`
}

describe.each(BROWSER_MODES)('a page the backend renders, Vite behind a bare nginx, %s browser', (mode) => {
  test('only the dropped upgrade is named (no socket "misdirected" to the backend); its fix makes HMR work', async () => {
    const nginxPort = await freePort(PROXY_HOST)
    const viteOrigin = `http://${PROXY_HOST}:${nginxPort}`
    const backend = await backendPage(viteOrigin)
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
