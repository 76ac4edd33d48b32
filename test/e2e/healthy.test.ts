import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import {
  BROWSER_MODES,
  expectHmrApplies,
  freePort,
  launchBrowser,
  newContext,
  nginxConfig,
  noticeText,
  openPage,
  PROXY_HOST,
  type RunningVite,
  startNginx,
  startVite,
  type WatchedPage,
} from '../harness/index.js'

/** Short, so the window in which the doctor would speak up can be waited out quickly. */
const SOCKET_GRACE_MS = 500

/** The nginx setup most guides give for Vite: upgrade headers forwarded on every location. */
const WEBSOCKET_MAP = `map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}`
const WEBSOCKET_HEADERS = `proxy_http_version 1.1;
proxy_set_header Upgrade $http_upgrade;
proxy_set_header Connection $connection_upgrade;
proxy_set_header Host $host;`

let browser: Browser
const cleanup: Array<() => Promise<unknown>> = []

beforeAll(async () => {
  browser = await launchBrowser()
})
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})
afterAll(async () => {
  await browser?.close()
})

async function expectSilence(vite: RunningVite, watched: WatchedPage, doctorRequests: string[]): Promise<void> {
  // Outlast every timer after which the doctor could still speak: the socket grace and the report delay.
  await watched.page.waitForTimeout(SOCKET_GRACE_MS + 2000)
  expect(vite.logger.text()).not.toContain('[hmr-doctor]')
  expect(doctorRequests).toEqual([])
  expect(await noticeText(watched.page)).toBeNull()
  expect(watched.console.join('\n')).not.toContain('hmr-doctor')
}

describe.each(BROWSER_MODES)('healthy setups stay silent, %s browser', (mode) => {
  test('nginx forwarding the upgrade: HMR applies, nothing printed, nothing sent', async () => {
    const vite = await startVite({ doctor: { socketGraceMs: SOCKET_GRACE_MS } })
    cleanup.push(() => vite.stop())
    const port = await freePort(PROXY_HOST)
    const nginx = await startNginx(
      nginxConfig({
        listen: `${PROXY_HOST}:${port}`,
        upstream: `${vite.host}:${vite.port}`,
        http: WEBSOCKET_MAP,
        location: WEBSOCKET_HEADERS,
      }),
      { host: PROXY_HOST, port },
    )
    cleanup.push(() => nginx.stop())
    const context = await newContext(browser, mode)
    cleanup.push(() => context.close())
    const doctorRequests: string[] = []
    context.on('request', (request) => request.url().includes('__hmr_doctor') && doctorRequests.push(request.url()))

    const watched = await openPage(context, `http://${PROXY_HOST}:${port}/`)
    await expectHmrApplies(watched, vite)
    await expectSilence(vite, watched, doctorRequests)
  })

  test('no proxy: HMR applies, nothing printed, nothing sent', async () => {
    const vite = await startVite({ doctor: { socketGraceMs: SOCKET_GRACE_MS }, host: PROXY_HOST })
    cleanup.push(() => vite.stop())
    const context = await newContext(browser, mode)
    cleanup.push(() => context.close())
    const doctorRequests: string[] = []
    context.on('request', (request) => request.url().includes('__hmr_doctor') && doctorRequests.push(request.url()))

    const watched = await openPage(context, `http://${vite.host}:${vite.port}/`)
    await expectHmrApplies(watched, vite)
    await expectSilence(vite, watched, doctorRequests)
  })

  test('a separate HMR port with its own nginx route: HMR applies, nothing printed, nothing sent', async () => {
    const hmrPort = await freePort()
    const port = await freePort(PROXY_HOST)
    const vite = await startVite({
      doctor: { socketGraceMs: SOCKET_GRACE_MS },
      configFile: `import { defineConfig } from 'vite'

export default defineConfig({ server: { ws: { port: ${hmrPort}, clientPort: ${port}, path: 'hmr' } } })
`,
    })
    cleanup.push(() => vite.stop())
    const nginx = await startNginx(
      nginxConfig({
        listen: `${PROXY_HOST}:${port}`,
        upstream: `${vite.host}:${vite.port}`,
        http: WEBSOCKET_MAP,
        server: `location = /hmr {\n    proxy_pass http://127.0.0.1:${hmrPort};\n${WEBSOCKET_HEADERS.replace(/^/gm, '    ')}\n}`,
      }),
      { host: PROXY_HOST, port },
    )
    cleanup.push(() => nginx.stop())
    const context = await newContext(browser, mode)
    cleanup.push(() => context.close())
    const doctorRequests: string[] = []
    context.on('request', (request) => request.url().includes('__hmr_doctor') && doctorRequests.push(request.url()))

    const watched = await openPage(context, `http://${PROXY_HOST}:${port}/`)
    await expectHmrApplies(watched, vite)
    await expectSilence(vite, watched, doctorRequests)
  })

  test('no proxy and a separate HMR port: HMR applies, nothing printed, nothing sent', async () => {
    const hmrPort = await freePort()
    const vite = await startVite({
      doctor: { socketGraceMs: SOCKET_GRACE_MS },
      host: PROXY_HOST,
      configFile: `import { defineConfig } from 'vite'\n\nexport default defineConfig({ server: { ws: { port: ${hmrPort} } } })\n`,
    })
    cleanup.push(() => vite.stop())
    const context = await newContext(browser, mode)
    cleanup.push(() => context.close())
    const doctorRequests: string[] = []
    context.on('request', (request) => request.url().includes('__hmr_doctor') && doctorRequests.push(request.url()))

    const watched = await openPage(context, `http://${vite.host}:${vite.port}/`)
    await expectHmrApplies(watched, vite)
    await expectSilence(vite, watched, doctorRequests)
  })
})
