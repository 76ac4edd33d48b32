import { describe, expect, test } from 'vitest'
import { timing } from '../../packages/plugin/src/shared/timing.js'
import {
  BROWSER_MODES,
  expectHmrApplies,
  nginxConfig,
  openPage,
  outlastDoctor,
  PROXY_HOST,
  printedBlock,
  type WatchedPage,
} from '../harness/index.js'
import { useScenario } from '../harness/scenario.js'

const SUMMARY = '[hmr-doctor] nginx drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.'

const scenario = useScenario()

/** Waits that long on a page: the evidence's lifetime is a span of time only a real wait outlasts. */
function hold(watched: WatchedPage, ms: number): Promise<void> {
  return ms > 0 ? watched.page.waitForTimeout(ms) : Promise.resolve()
}

describe.each(BROWSER_MODES)('nginx fixed by its printed lines, %s browser', (mode) => {
  test('the terminal says the diagnosis and its confirmation, and nothing more while the page stays open past every evidence lifetime', {
    timeout: 4 * timing.evidenceMs,
  }, async () => {
    const vite = await scenario.vite()
    const { nginx, port, origin, site } = await scenario.nginx({ upstream: `${vite.host}:${vite.port}` })
    const url = `${origin}/`
    const context = await scenario.context(mode)

    const firstEvidence = Date.now()
    const broken = await openPage(context, url)
    const output = await scenario.diagnosis(vite, SUMMARY)
    const diagnosed = Date.now()
    await nginx.restart(
      nginxConfig({
        ...site,
        http: printedBlock(output, 'nginx, inside http {}'),
        server: printedBlock(output, 'nginx, inside the server {} that proxies Vite'),
      }),
    )
    // The user reloads the tab that failed: its pagehide may carry one last report of the old failure.
    await broken.page.reload()
    const lastFailure = Date.now()
    await expectHmrApplies(broken, vite)
    const confirmed = `[hmr-doctor] HMR works now: the page at http://${PROXY_HOST}:${port} opened its socket for / through the route that was failing.`
    await expect.poll(() => vite.logger.text()).toContain(confirmed)

    // New sockets and edits while the failure's evidence ages: another tab, a reload, HMR updates.
    const newSocketsAndEdits = async () => {
      const tab = await openPage(context, url)
      await expectHmrApplies(tab, vite)
      await tab.page.close()
      await broken.page.reload()
      await expectHmrApplies(broken, vite)
    }
    const worstFrom = firstEvidence + timing.evidenceMs - 1000
    while (worstFrom - Date.now() > 20_000) {
      await newSocketsAndEdits()
      await hold(broken, 10_000)
    }
    await hold(broken, worstFrom - Date.now())
    // While the early evidence expires, one piece at a time: loads of Vite's client anyone may send (no token,
    // no page behind them), each an event that runs the diagnosis; back to back while the diagnosis's own
    // evidence expires, then with a new socket and more of them until the last failure's has.
    const unauthenticatedLoads = () =>
      Promise.all(
        [origin, `http://${vite.host}:${vite.port}`].map((at) =>
          fetch(`${at}/@vite/client`, { headers: { 'sec-fetch-dest': 'script' } }).then((response) =>
            response.arrayBuffer(),
          ),
        ),
      )
    const expiring = diagnosed + timing.evidenceMs + 1000
    while (Date.now() < expiring) await unauthenticatedLoads()
    await broken.page.reload()
    const lastExpired = lastFailure + timing.evidenceMs + 2000
    while (Date.now() < lastExpired) {
      await unauthenticatedLoads()
      await hold(broken, 250)
    }
    await newSocketsAndEdits()
    await outlastDoctor(vite, broken)

    const said = vite.logger
      .text()
      .split('\n')
      .filter((line) => line.includes('[hmr-doctor]'))
    expect(said.map((line) => (line.startsWith(SUMMARY) ? SUMMARY : line))).toEqual([SUMMARY, confirmed])
  })
})
