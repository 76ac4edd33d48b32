import { describe, expect, test } from 'vitest'
import {
  BROWSER_MODES,
  expectHmrApplies,
  freePort,
  noticeText,
  openPage,
  PROXY_HOST,
  pasteReplacingDirectives,
  printedBlock,
  startApache,
} from '../harness/index.js'
import { useScenario } from '../harness/scenario.js'

const SUMMARY = '[hmr-doctor] Apache drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.'
const APACHE_FIX = 'Apache, in the <VirtualHost> that proxies Vite, replacing its ProxyPass for /'

const scenario = useScenario()

describe.each(BROWSER_MODES)('Apache with a bare ProxyPass, %s browser', (mode) => {
  test('is diagnosed as Apache, and the printed ProxyPass, pasted verbatim, makes HMR work through Apache', async () => {
    const vite = await scenario.vite()
    const port = await freePort(PROXY_HOST)
    const upstream = `http://${vite.host}:${vite.port}/`
    const virtualHost = `ProxyPass / ${upstream}\nProxyPassReverse / ${upstream}`
    const listen = `${PROXY_HOST}:${port}`
    const apache = await startApache({ listen, virtualHost }, { host: PROXY_HOST, port })
    scenario.defer(() => apache.stop())
    const context = await scenario.context(mode)
    const url = `http://${listen}/`

    const broken = await openPage(context, url)
    const output = await scenario.diagnosis(vite, SUMMARY)
    expect(output).toContain(
      `seen: GET / HTTP/1.1 with Connection: Keep-Alive and no Upgrade header, from the page at http://${listen}`,
    )
    await expect.poll(() => noticeText(broken.page)).toContain('Apache drops the WebSocket upgrade')

    await apache.restart({
      listen,
      virtualHost: pasteReplacingDirectives(virtualHost, printedBlock(output, APACHE_FIX)),
    })
    const fixed = await openPage(context, url)
    await expectHmrApplies(fixed, vite)
    expect(fixed.console.join('\n')).not.toMatch(
      /WebSocket connection to .* failed|Direct websocket connection fallback/,
    )
  })
})
