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
  printedBlock,
  type RunningNginx,
  type RunningVite,
  startNginx,
  startVite,
  waitFor,
} from '../harness/index.js'

const SUMMARY = '[hmr-doctor] nginx drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.'

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

async function bareNginxInFrontOf(vite: RunningVite): Promise<{ nginx: RunningNginx; url: string; port: number }> {
  const port = await freePort(PROXY_HOST)
  const nginx = await startNginx(
    nginxConfig({ listen: `${PROXY_HOST}:${port}`, upstream: `${vite.host}:${vite.port}` }),
    {
      host: PROXY_HOST,
      port,
    },
  )
  cleanup.push(() => nginx.stop())
  return { nginx, url: `http://${PROXY_HOST}:${port}/`, port }
}

describe.each(BROWSER_MODES)('nginx with a bare proxy_pass, %s browser', (mode) => {
  test('is diagnosed, and the printed nginx lines, pasted verbatim, make HMR work through nginx', async () => {
    const vite = await startVite()
    cleanup.push(() => vite.stop())
    const { nginx, url, port } = await bareNginxInFrontOf(vite)
    const context = await newContext(browser, mode)
    cleanup.push(() => context.close())

    const broken = await openPage(context, url)
    const output = await waitFor('the diagnosis', () => {
      const text = vite.logger.text()
      return text.includes(SUMMARY) && text
    })
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
        listen: `${PROXY_HOST}:${port}`,
        upstream: `${vite.host}:${vite.port}`,
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
  })
})

test('a direct page is not mistaken for a proxied one while the proxy is broken for another tab', async () => {
  const vite = await startVite()
  cleanup.push(() => vite.stop())
  const { url } = await bareNginxInFrontOf(vite)
  const context = await newContext(browser, 'direct')
  cleanup.push(() => context.close())

  await openPage(context, url)
  await waitFor('the diagnosis', () => vite.logger.text().includes(SUMMARY))
  const direct = await openPage(context, `http://${vite.host}:${vite.port}/`)
  await expectHmrApplies(direct, vite)
  expect(await noticeText(direct.page)).toBeNull()
  expect(vite.logger.text().split(SUMMARY).length - 1).toBe(1)
})
