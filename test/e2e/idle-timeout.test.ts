import type { Browser } from 'playwright-core'
import type { HmrDoctorOptions } from 'vite-plugin-hmr-doctor'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import {
  BROWSER_MODES,
  type BrowserMode,
  expectHmrApplies,
  freePort,
  launchBrowser,
  newContext,
  nginxConfig,
  noticeText,
  openPage,
  PROXY_HOST,
  pasteReplacingDirectives,
  printedBlock,
  type RunningVite,
  startNginx,
  startVite,
  type WatchedPage,
  waitFor,
} from '../harness/index.js'

/** nginx's idle timeout in these tests: short, so a loop shows within seconds. */
const PROXY_TIMEOUT_S = 2
const WEBSOCKET_MAP = `map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}`
const SHORT_TIMEOUT_LOCATION = `proxy_http_version 1.1;
proxy_set_header Upgrade $http_upgrade;
proxy_set_header Connection $connection_upgrade;
proxy_set_header Host $host;
proxy_read_timeout ${PROXY_TIMEOUT_S}s;`
const SUMMARY = `[hmr-doctor] The proxy closes the HMR socket after ${PROXY_TIMEOUT_S}.`
const NGINX_FIX =
  "nginx, in the location {} that proxies Vite's HMR socket, replacing any proxy_read_timeout or proxy_send_timeout there"

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

async function behindShortTimeout(vite: RunningVite, location = SHORT_TIMEOUT_LOCATION) {
  const port = await freePort(PROXY_HOST)
  const site = { listen: `${PROXY_HOST}:${port}`, upstream: `${vite.host}:${vite.port}`, http: WEBSOCKET_MAP }
  const nginx = await startNginx(nginxConfig({ ...site, location }), { host: PROXY_HOST, port })
  cleanup.push(() => nginx.stop())
  return { nginx, site, url: `http://${PROXY_HOST}:${port}/` }
}

async function startDoctoredVite(doctor: HmrDoctorOptions, configFile?: string): Promise<RunningVite> {
  const vite = await startVite(configFile === undefined ? { doctor } : { doctor, configFile })
  cleanup.push(() => vite.stop())
  return vite
}

async function contextFor(mode: BrowserMode) {
  const context = await newContext(browser, mode)
  cleanup.push(() => context.close())
  return context
}

async function waitForLoopDiagnosis(vite: RunningVite): Promise<string> {
  return waitFor(
    'the idle-timeout diagnosis',
    () => {
      const text = vite.logger.text()
      return text.includes(SUMMARY) && text
    },
    20_000,
  )
}

/** Several proxy timeouts pass with the page left alone, and it never reloads. */
async function expectNoReloadWhileIdle(watched: WatchedPage): Promise<void> {
  const before = watched.reloads()
  await watched.page.waitForTimeout(PROXY_TIMEOUT_S * 3 * 1000 + 500)
  expect(watched.reloads()).toBe(before)
}

describe.each(BROWSER_MODES)(`nginx closing idle sockets after ${PROXY_TIMEOUT_S} s, %s browser`, (mode) => {
  test('the reload loop is diagnosed with the measured timeout; the printed nginx lines stop it', async () => {
    const vite = await startDoctoredVite({ keepalive: false })
    const { nginx, site, url } = await behindShortTimeout(vite)
    const context = await contextFor(mode)

    const looping = await openPage(context, url)
    const output = await waitForLoopDiagnosis(vite)
    // nginx closes on the dot; the browser's clock may see it a little later on a busy machine.
    expect(output).toMatch(/seen: closed after 2\.\d s idle, [2-8] times in \d+\.\d s \(close code 1006\)/)
    // The report goes out early in the reloaded page, possibly before its load event.
    await expect.poll(() => looping.reloads()).toBeGreaterThanOrEqual(2)
    // The notice survives the loop: the page that loaded after the latest close shows it.
    await expect.poll(() => noticeText(looping.page), { timeout: 10_000 }).toContain('closes the HMR socket')
    await looping.page.close()

    await nginx.restart(
      nginxConfig({
        ...site,
        location: pasteReplacingDirectives(SHORT_TIMEOUT_LOCATION, printedBlock(output, NGINX_FIX)),
      }),
    )
    const fixed = await openPage(context, url)
    await expectNoReloadWhileIdle(fixed)
    await expectHmrApplies(fixed, vite)
  })

  test('the printed vite.config ping interval, used as the config file, stops the loop without touching nginx', async () => {
    const diagnosed = await startDoctoredVite({ keepalive: false })
    const { url } = await behindShortTimeout(diagnosed)
    const context = await contextFor(mode)
    await openPage(context, url)
    const printed = printedBlock(
      await waitForLoopDiagnosis(diagnosed),
      'or instead, vite.config, merged into your config',
    )
    // Vite 8.1 renamed server.hmr to server.ws; this workspace runs Vite 8.3.
    expect(printed).toContain('ws: {')

    const vite = await startDoctoredVite({ keepalive: false }, `import { defineConfig } from 'vite'\n\n${printed}\n`)
    const { url: fixedUrl } = await behindShortTimeout(vite)
    const idle = await openPage(context, fixedUrl)
    await expectNoReloadWhileIdle(idle)
    await expectHmrApplies(idle, vite)
    expect(vite.logger.text()).not.toContain('[hmr-doctor]')
  })

  test("keepalive: 'auto' (the default) stops the loop once diagnosed, and says so", async () => {
    const vite = await startDoctoredVite({})
    const { url } = await behindShortTimeout(vite)
    const context = await contextFor(mode)
    const watched = await openPage(context, url)
    const output = await waitForLoopDiagnosis(vite)
    expect(output).toMatch(/Until then the doctor pings each HMR client every [01]\.\d s so pages stop reloading/)
    // The loop's last turn may still be under way when the diagnosis prints.
    await watched.page.waitForLoadState('load')
    await expectNoReloadWhileIdle(watched)
    await expectHmrApplies(watched, vite)
  })

  test('keepalive set to an interval below the timeout keeps the page from ever reloading, silently', async () => {
    const vite = await startDoctoredVite({ keepalive: 1000 })
    const { url } = await behindShortTimeout(vite)
    const context = await contextFor(mode)
    const watched = await openPage(context, url)
    await expectNoReloadWhileIdle(watched)
    await expectHmrApplies(watched, vite)
    expect(vite.logger.text()).not.toContain('[hmr-doctor]')
  })
})
