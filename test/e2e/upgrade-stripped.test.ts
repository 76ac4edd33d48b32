import { describe, expect, test } from 'vitest'
import {
  BROWSER_MODES,
  expectHmrApplies,
  nginxConfig,
  noticeText,
  openPage,
  PROXY_HOST,
  printedBlock,
  type RunningVite,
} from '../harness/index.js'
import { useScenario } from '../harness/scenario.js'

const SUMMARY = '[hmr-doctor] nginx drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.'

const scenario = useScenario()

async function bareNginxInFrontOf(vite: RunningVite) {
  const { nginx, port, origin, site } = await scenario.nginx({ upstream: `${vite.host}:${vite.port}` })
  return { nginx, url: `${origin}/`, port, site }
}

describe.each(BROWSER_MODES)('nginx with a bare proxy_pass, %s browser', (mode) => {
  test('is diagnosed, and the printed nginx lines, pasted verbatim, make HMR work through nginx', async () => {
    const vite = await scenario.vite()
    const { nginx, url, port, site } = await bareNginxInFrontOf(vite)
    const context = await scenario.context(mode)

    const broken = await openPage(context, url)
    const output = await scenario.diagnosis(vite, SUMMARY)
    expect(output).toContain(
      `seen: GET / HTTP/1.0 with Connection: close and no Upgrade header, from the page at http://${PROXY_HOST}:${port}`,
    )
    expect(output).toContain(
      mode === 'direct'
        ? `HMR works only through Vite's direct fallback to port ${vite.port}`
        : `Vite's direct fallback to port ${vite.port} failed too: this page gets no updates.`,
    )
    expect(output).toContain('vite.config: nothing to change.')
    expect(output).not.toContain(vite.server.config.webSocketToken)
    await expect.poll(() => noticeText(broken.page)).toContain('nginx drops the WebSocket upgrade')
    expect(broken.console.join('\n')).toContain(SUMMARY)

    await nginx.restart(
      nginxConfig({
        ...site,
        http: printedBlock(output, 'nginx, inside http {}'),
        server: printedBlock(output, 'nginx, inside the server {} that proxies Vite'),
      }),
    )
    const fixed = await openPage(context, url)
    await expectHmrApplies(fixed, vite)
    expect(fixed.console.join('\n')).not.toMatch(
      /WebSocket connection to .* failed|Direct websocket connection fallback/,
    )
    expect(await noticeText(fixed.page)).toBeNull()
    // The terminal closes the loop: one line that the route works, and nothing else after the diagnosis.
    const confirmed = `[hmr-doctor] HMR works now: the page at http://${PROXY_HOST}:${port} opened its socket for / through the route that was failing`
    await expect.poll(() => vite.logger.text()).toContain(confirmed)
    expect(vite.logger.text().split('[hmr-doctor]').length - 1).toBe(2)
  })
})

test('a direct page is not mistaken for a proxied one while the proxy is broken for another tab', async () => {
  const vite = await scenario.vite()
  const { url } = await bareNginxInFrontOf(vite)
  const context = await scenario.context('direct')

  await openPage(context, url)
  await scenario.diagnosis(vite, SUMMARY)
  const direct = await openPage(context, `http://${vite.host}:${vite.port}/`)
  await expectHmrApplies(direct, vite)
  expect(await noticeText(direct.page)).toBeNull()
  expect(vite.logger.text().split(SUMMARY).length - 1).toBe(1)
})
