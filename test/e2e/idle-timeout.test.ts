import type { Plugin } from 'vite'
import { describe, expect, test } from 'vitest'
import { DOCTOR_MODULE } from '../../packages/plugin/src/shared/protocol.js'
import {
  BROWSER_MODES,
  expectHmrApplies,
  expectSilence,
  nginxConfig,
  noticeText,
  openPage,
  pasteReplacingDirectives,
  printedBlock,
  type RunningVite,
  socketOptionsKey,
  type WatchedPage,
} from '../harness/index.js'
import { LOOP_SUMMARY, UPGRADE_HEADERS, useScenario, WEBSOCKET_MAP } from '../harness/scenario.js'

/** nginx's idle timeout in these tests: short, so a loop shows within seconds. */
const PROXY_TIMEOUT_S = 2
const SHORT_TIMEOUT_LOCATION = `${UPGRADE_HEADERS}
proxy_set_header Host $host;
proxy_read_timeout ${PROXY_TIMEOUT_S}s;`
const VITE_FIX = 'or instead, vite.config, merged into your config'
const NGINX_FIX =
  "nginx, in the location {} that proxies Vite's HMR socket, replacing any proxy_read_timeout or proxy_send_timeout there"

/** Host set first, as many guides write it: nginx then leaves no mark on what it forwards, only its Server header. */
const HOST_FIRST_LOCATION = `proxy_set_header Host $host;
${UPGRADE_HEADERS}
proxy_read_timeout ${PROXY_TIMEOUT_S}s;`

/** Several turns of the loop: the doctor's own module never arrives before the page reloads. */
const DOCTOR_HELD_MS = PROXY_TIMEOUT_S * 1000 * 10
/** The app's entry module, served late as from a dev server compiling a big app on a busy CPU. */
const ENTRY_HELD_MS = 500

/** Holds the doctor's module past every turn of the loop, and the app's entry a little. */
function slowToLoad(): Plugin {
  return {
    name: 'slow-to-load',
    enforce: 'pre',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        const held = req.url?.includes(DOCTOR_MODULE) ? DOCTOR_HELD_MS : req.url === '/src/main.ts' ? ENTRY_HELD_MS : 0
        if (held > 0) setTimeout(next, held)
        else next()
      })
    },
  }
}

const scenario = useScenario()

async function behindShortTimeout(vite: RunningVite) {
  const { nginx, site, origin } = await scenario.nginx({
    upstream: `${vite.host}:${vite.port}`,
    http: WEBSOCKET_MAP,
    location: SHORT_TIMEOUT_LOCATION,
  })
  return { nginx, site, url: `${origin}/` }
}

/** Until the page's latest socket is connected: every close Vite's client logged was followed by a connect. */
async function settledAfterLastClose(watched: WatchedPage): Promise<void> {
  const count = (pattern: RegExp) => watched.console.filter((line) => pattern.test(line)).length
  await expect
    .poll(() => count(/\[vite\] connected\./) > count(/\[vite\] server connection lost/i), { timeout: 15_000 })
    .toBe(true)
  await watched.page.waitForLoadState('load')
}

/** Several proxy timeouts pass with the page left alone, and it never reloads. */
async function expectNoReloadWhileIdle(watched: WatchedPage): Promise<void> {
  const before = watched.reloads()
  await watched.page.waitForTimeout(PROXY_TIMEOUT_S * 3 * 1000 + 500)
  expect(watched.reloads()).toBe(before)
}

describe.each(BROWSER_MODES)(`nginx closing idle sockets after ${PROXY_TIMEOUT_S} s, %s browser`, (mode) => {
  test('the reload loop is diagnosed with the measured timeout; the printed nginx lines stop it', async () => {
    const vite = await scenario.vite({ doctor: { keepalive: false } })
    const { nginx, site, url } = await behindShortTimeout(vite)
    const context = await scenario.context(mode)

    const looping = await openPage(context, url)
    const output = await scenario.loopDiagnosis(vite)
    expect(output).toContain(`${LOOP_SUMMARY}${PROXY_TIMEOUT_S} s idle`)
    // The readings as the page measured them: nginx closes a little early, a busy page notes it late.
    expect(output).toMatch(
      /seen: closed after \d\.\d(–\d\.\d)? s idle, [2-5] times in \d+\.\d s \(close code 1006\), on the page at \S+; Vite saw [1-8] of them drop too/,
    )
    // The ping interval is printed under the key this Vite reads.
    expect(printedBlock(output, VITE_FIX)).toContain(`${socketOptionsKey()}: {\n      timeout: `)
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

  test('a page slow to load, whose doctor module comes only after the next reload, still gets the loop named', async () => {
    const vite = await scenario.vite({ doctor: { keepalive: false }, config: { plugins: [slowToLoad()] } })
    const { url } = await behindShortTimeout(vite)
    const context = await scenario.context(mode)
    const looping = await openPage(context, url)
    const output = await scenario.loopDiagnosis(vite)
    expect(output).toContain(`${LOOP_SUMMARY}${PROXY_TIMEOUT_S} s idle`)
    // The doctor's module is held past every turn: the report that named the loop left from the watcher.
    expect(looping.reloads()).toBeGreaterThanOrEqual(1)
    await looping.page.close()
  })

  test('nginx that left no mark on the requests is named by its Server header: its printed lines stop the loop', async () => {
    const vite = await scenario.vite({ doctor: { keepalive: false } })
    const { nginx, site, origin } = await scenario.nginx({
      upstream: `${vite.host}:${vite.port}`,
      http: WEBSOCKET_MAP,
      location: HOST_FIRST_LOCATION,
    })
    const context = await scenario.context(mode)
    const looping = await openPage(context, `${origin}/`)
    const printed = printedBlock(await scenario.loopDiagnosis(vite), NGINX_FIX)
    expect(printed).toContain('proxy_read_timeout')
    await looping.page.close()

    await nginx.restart(nginxConfig({ ...site, location: pasteReplacingDirectives(HOST_FIRST_LOCATION, printed) }))
    const fixed = await openPage(context, `${origin}/`)
    await expectNoReloadWhileIdle(fixed)
    await expectHmrApplies(fixed, vite)
  })

  test('the printed vite.config ping interval, used as the config file, stops the loop without touching nginx', async () => {
    const diagnosed = await scenario.vite({ doctor: { keepalive: false } })
    const { url } = await behindShortTimeout(diagnosed)
    const context = await scenario.context(mode)
    await openPage(context, url)
    const printed = printedBlock(await scenario.loopDiagnosis(diagnosed), VITE_FIX)
    // Vite 8.1 renamed server.hmr to server.ws.
    expect(printed).toContain(`${socketOptionsKey()}: {`)

    const vite = await scenario.vite({
      doctor: { keepalive: false },
      configFile: `import { defineConfig } from 'vite'\n\n${printed}\n`,
    })
    const { url: fixedUrl } = await behindShortTimeout(vite)
    const idle = await openPage(context, fixedUrl)
    await expectNoReloadWhileIdle(idle)
    await expectHmrApplies(idle, vite)
    await expectSilence(vite, idle)
  })

  test("keepalive: 'auto' (the default) stops the loop once diagnosed, and says so", async () => {
    const vite = await scenario.vite({ doctor: {} })
    const { url } = await behindShortTimeout(vite)
    const context = await scenario.context(mode)
    const watched = await openPage(context, url)
    const output = await scenario.loopDiagnosis(vite)
    expect(output).toMatch(/Until then the doctor pings each HMR client every [01]\.\d s so pages stop reloading/)
    // The loop's last turn may still be under way when the diagnosis prints (the close that made the loop
    // reports at once, and Vite's client reloads after it): wait for a page whose socket is connected.
    await settledAfterLastClose(watched)
    await expectNoReloadWhileIdle(watched)
    await expectHmrApplies(watched, vite)
  })

  test('keepalive set to an interval below the timeout keeps the page from ever reloading, silently', async () => {
    const vite = await scenario.vite({ doctor: { keepalive: 1000 } })
    const { url } = await behindShortTimeout(vite)
    const context = await scenario.context(mode)
    const watched = await openPage(context, url)
    await expectNoReloadWhileIdle(watched)
    await expectHmrApplies(watched, vite)
    await expectSilence(vite, watched)
  })
})
