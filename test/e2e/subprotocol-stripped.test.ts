import { describe, expect, test } from 'vitest'
import { BROWSER_MODES, expectHmrApplies, nginxConfig, openPage } from '../harness/index.js'
import { UPGRADE_HEADERS, useScenario, WEBSOCKET_MAP } from '../harness/scenario.js'

const SUMMARY =
  "[hmr-doctor] nginx removes the Sec-WebSocket-Protocol header of the HMR handshake: Vite leaves it unanswered, and the page's socket hangs."
const CLEARED = 'proxy_set_header Sec-WebSocket-Protocol "";'

const scenario = useScenario()

describe.each(BROWSER_MODES)('a hop that removes Sec-WebSocket-Protocol, %s browser', (mode) => {
  test('named with the header it removed while the socket hangs; without that line HMR works', async () => {
    const vite = await scenario.vite()
    const { nginx, origin, site } = await scenario.nginx({
      upstream: `${vite.host}:${vite.port}`,
      http: WEBSOCKET_MAP,
      location: `${UPGRADE_HEADERS}\n${CLEARED}`,
    })
    const context = await scenario.context(mode)
    await openPage(context, `${origin}/`)

    const output = await scenario.diagnosis(vite, SUMMARY)
    expect(output).toContain('reached Vite without a Sec-WebSocket-Protocol header')
    expect(output).toContain('Make nginx pass Sec-WebSocket-Protocol on to Vite as the browser sent it')
    expect(output).not.toContain('never reached Vite')

    await nginx.restart(nginxConfig({ ...site, location: UPGRADE_HEADERS }))
    await expectHmrApplies(await openPage(context, `${origin}/`), vite)
  })
})
