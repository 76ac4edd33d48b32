import { describe, expect, test } from 'vitest'
import {
  BROWSER_MODES,
  caddyConfig,
  expectHmrApplies,
  freePort,
  noticeText,
  openPage,
  PROXY_HOST,
  startCaddy,
} from '../harness/index.js'
import { useScenario } from '../harness/scenario.js'

const scenario = useScenario()

describe.each(BROWSER_MODES)('Caddy reverse_proxy, %s browser', (mode) => {
  // Caddy adds X-Forwarded-* and rewrites header names: none of that may read as a symptom.
  test('passes the socket as is: HMR applies, nothing printed, nothing sent', async () => {
    const vite = await scenario.vite({ doctor: { socketGraceMs: 500 } })
    const port = await freePort(PROXY_HOST)
    const listen = `${PROXY_HOST}:${port}`
    const caddy = await startCaddy(caddyConfig(listen, `${vite.host}:${vite.port}`), { host: PROXY_HOST, port })
    scenario.defer(() => caddy.stop())
    const context = await scenario.context(mode)
    const doctorRequests: string[] = []
    context.on('request', (request) => request.url().includes('__hmr_doctor') && doctorRequests.push(request.url()))

    const watched = await openPage(context, `http://${listen}/`)
    await expectHmrApplies(watched, vite)
    // Outlast the socket grace and the report delay, after which the doctor could still speak.
    await watched.page.waitForTimeout(2500)
    expect(vite.logger.text()).not.toContain('[hmr-doctor]')
    expect(doctorRequests).toEqual([])
    expect(await noticeText(watched.page)).toBeNull()
  })
})
