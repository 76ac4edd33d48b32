import { describe, expect, test } from 'vitest'
import {
  BROWSER_MODES,
  expectHmrApplies,
  freePort,
  haproxyConfig,
  openPage,
  PROXY_HOST,
  printedBlock,
  startHaproxy,
} from '../harness/index.js'
import { useScenario } from '../harness/scenario.js'

/** HAProxy's idle timeouts in these tests: short, so a loop shows within seconds. */
const TIMEOUTS = `timeout connect 2s
timeout client 2s
timeout server 2s`
const HAPROXY_FIX = 'HAProxy, in the defaults section (or the backend that proxies Vite)'

const scenario = useScenario()

describe.each(BROWSER_MODES)('HAProxy without timeout tunnel, %s browser', (mode) => {
  test('the reload loop is named with the measured timeout; the printed timeout tunnel stops it', async () => {
    const vite = await scenario.vite({ doctor: { keepalive: false } })
    const port = await freePort(PROXY_HOST)
    const site = { listen: `${PROXY_HOST}:${port}`, upstream: `${vite.host}:${vite.port}` }
    const haproxy = await startHaproxy(haproxyConfig({ ...site, defaults: TIMEOUTS }), { host: PROXY_HOST, port })
    scenario.defer(() => haproxy.stop())
    const context = await scenario.context(mode)
    const url = `http://${PROXY_HOST}:${port}/`

    const looping = await openPage(context, url)
    const output = await scenario.diagnosis(vite, '[hmr-doctor] The proxy closes the HMR socket after 2.', 20_000)
    expect(output).toMatch(/seen: closed after 2\.\d s idle, [2-8] times in \d+\.\d s/)
    await looping.page.close()

    await haproxy.restart(haproxyConfig({ ...site, defaults: `${TIMEOUTS}\n${printedBlock(output, HAPROXY_FIX)}` }))
    const fixed = await openPage(context, url)
    const before = fixed.reloads()
    await fixed.page.waitForTimeout(6500)
    expect(fixed.reloads()).toBe(before)
    await expectHmrApplies(fixed, vite)
  })
})
