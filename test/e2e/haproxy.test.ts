import { describe, expect, test } from 'vitest'
import { BROWSER_MODES, expectHmrApplies, openPage, printedBlock } from '../harness/index.js'
import { LOOP_SUMMARY, useScenario } from '../harness/scenario.js'

/** HAProxy's idle timeouts in these tests: short, so a loop shows within seconds. */
const PROXY_TIMEOUT_S = 2
const TIMEOUTS = `timeout connect ${PROXY_TIMEOUT_S}s
timeout client ${PROXY_TIMEOUT_S}s
timeout server ${PROXY_TIMEOUT_S}s`
const HAPROXY_FIX = 'HAProxy, in the defaults section (or the backend that proxies Vite)'

const scenario = useScenario()

describe.each(BROWSER_MODES)('HAProxy without timeout tunnel, %s browser', (mode) => {
  test('the reload loop is named with the measured timeout; the printed timeout tunnel stops it', async () => {
    const vite = await scenario.vite({ doctor: { keepalive: false } })
    const { origin, restart } = await scenario.haproxy(`${vite.host}:${vite.port}`, TIMEOUTS)
    const context = await scenario.context(mode)
    const url = `${origin}/`

    const looping = await openPage(context, url)
    const output = await scenario.loopDiagnosis(vite)
    expect(output).toContain(`${LOOP_SUMMARY}${PROXY_TIMEOUT_S} s idle`)
    expect(output).toMatch(/seen: closed after \d\.\d(–\d\.\d)? s idle, [2-5] times in \d+\.\d s/)
    await looping.page.close()

    await restart(`${TIMEOUTS}\n${printedBlock(output, HAPROXY_FIX)}`)
    const fixed = await openPage(context, url)
    const before = fixed.reloads()
    // Three of HAProxy's idle timeouts pass with the page left alone: the tunnel timeout keeps it.
    await fixed.page.waitForTimeout(PROXY_TIMEOUT_S * 3 * 1000 + 500)
    expect(fixed.reloads()).toBe(before)
    await expectHmrApplies(fixed, vite)
    // A bound, not a verdict: the loop's turns, the restart and three timeouts on a loaded machine.
  }, 120_000)
})
