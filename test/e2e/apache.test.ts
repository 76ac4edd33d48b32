import { describe, expect, test } from 'vitest'
import {
  BROWSER_MODES,
  expectHmrApplies,
  noticeText,
  openPage,
  pasteReplacingDirectives,
  printedBlock,
} from '../harness/index.js'
import { useScenario } from '../harness/scenario.js'

const SUMMARY = '[hmr-doctor] Apache drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.'
const APACHE_FIX = 'Apache, in the <VirtualHost> that proxies Vite, replacing its ProxyPass for /'

const scenario = useScenario()

describe.each(BROWSER_MODES)('Apache with a bare ProxyPass, %s browser', (mode) => {
  test('is diagnosed as Apache, and the printed ProxyPass, pasted verbatim, makes HMR work through Apache', async () => {
    const vite = await scenario.vite()
    const upstream = `http://${vite.host}:${vite.port}/`
    const virtualHost = `ProxyPass / ${upstream}\nProxyPassReverse / ${upstream}`
    const { origin, restart } = await scenario.apache(virtualHost)
    const context = await scenario.context(mode)
    const url = `${origin}/`

    const broken = await openPage(context, url)
    const output = await scenario.diagnosis(vite, SUMMARY)
    expect(output).toContain(
      `seen: GET / HTTP/1.1 with Connection: Keep-Alive and no Upgrade header, from the page at ${origin}`,
    )
    await expect.poll(() => noticeText(broken.page)).toContain('Apache drops the WebSocket upgrade')

    await restart(pasteReplacingDirectives(virtualHost, printedBlock(output, APACHE_FIX)))
    const fixed = await openPage(context, url)
    await expectHmrApplies(fixed, vite)
    expect(fixed.console.join('\n')).not.toMatch(
      /WebSocket connection to .* failed|Direct websocket connection fallback/,
    )
  })
})
