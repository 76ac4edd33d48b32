import { describe, expect, test } from 'vitest'
import {
  BROWSER_MODES,
  type BrowserMode,
  expectHmrApplies,
  freePort,
  noticeText,
  openPage,
  PROXY_HOST,
  type RunningVite,
  type WatchedPage,
} from '../harness/index.js'
import { UPGRADE_HEADERS, useScenario, WEBSOCKET_MAP } from '../harness/scenario.js'

/** Short, so the window in which the doctor would speak up can be waited out quickly. */
const SOCKET_GRACE_MS = 500

/** The nginx setup most guides give for Vite: upgrade headers forwarded on every location. */
const WEBSOCKET_HEADERS = `${UPGRADE_HEADERS}
proxy_set_header Host $host;`

const scenario = useScenario()

/** A browser context for `mode` that records every request a page sends to the doctor. */
async function recordingContext(mode: BrowserMode) {
  const context = await scenario.context(mode)
  const doctorRequests: string[] = []
  context.on('request', (request) => request.url().includes('__hmr_doctor') && doctorRequests.push(request.url()))
  return { context, doctorRequests }
}

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
    const vite = await scenario.vite({ doctor: { socketGraceMs: SOCKET_GRACE_MS } })
    const { origin } = await scenario.nginx({
      upstream: `${vite.host}:${vite.port}`,
      http: WEBSOCKET_MAP,
      location: WEBSOCKET_HEADERS,
    })
    const { context, doctorRequests } = await recordingContext(mode)

    const watched = await openPage(context, `${origin}/`)
    await expectHmrApplies(watched, vite)
    await expectSilence(vite, watched, doctorRequests)
  })

  test('no proxy: HMR applies, nothing printed, nothing sent', async () => {
    const vite = await scenario.vite({ doctor: { socketGraceMs: SOCKET_GRACE_MS }, host: PROXY_HOST })
    const { context, doctorRequests } = await recordingContext(mode)

    const watched = await openPage(context, `http://${vite.host}:${vite.port}/`)
    await expectHmrApplies(watched, vite)
    await expectSilence(vite, watched, doctorRequests)
  })

  test('a separate HMR port with its own nginx route: HMR applies, nothing printed, nothing sent', async () => {
    const hmrPort = await freePort()
    const port = await freePort(PROXY_HOST)
    const vite = await scenario.vite({
      doctor: { socketGraceMs: SOCKET_GRACE_MS },
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
    const { context, doctorRequests } = await recordingContext(mode)

    const watched = await openPage(context, `${origin}/`)
    await expectHmrApplies(watched, vite)
    await expectSilence(vite, watched, doctorRequests)
  })

  test('no proxy and a separate HMR port: HMR applies, nothing printed, nothing sent', async () => {
    const hmrPort = await freePort()
    const vite = await scenario.vite({
      doctor: { socketGraceMs: SOCKET_GRACE_MS },
      host: PROXY_HOST,
      configFile: `import { defineConfig } from 'vite'\n\nexport default defineConfig({ server: { ws: { port: ${hmrPort} } } })\n`,
    })
    const { context, doctorRequests } = await recordingContext(mode)

    const watched = await openPage(context, `http://${vite.host}:${vite.port}/`)
    await expectHmrApplies(watched, vite)
    await expectSilence(vite, watched, doctorRequests)
  })
})
