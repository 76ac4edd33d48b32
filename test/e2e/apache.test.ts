import { describe, expect, test } from 'vitest'
import {
  BROWSER_MODES,
  expectHmrApplies,
  noticeText,
  openPage,
  pasteReplacingDirectives,
  printedBlock,
  replaceLine,
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

/** Where the printed line goes inside each kind of `<Location>` that holds the ProxyPass. */
const IN_PREFIX_LOCATION =
  'Apache, or where that ProxyPass is inside <Location />, replacing it there (no path inside <Location>)'
const IN_REGEX_LOCATION =
  'Apache, or where it is inside a regex <Location ~ …> or <LocationMatch>, replacing it there (no path, no trailing slash)'

describe.each(BROWSER_MODES)('Apache with its ProxyPass inside a <Location>, %s browser', (mode) => {
  test.each([
    // The catalogue's own layout: a trailing slash here would send every path to Vite as //path.
    { label: 'a regex <Location ~ ".*">', location: '~ ".*"', slash: '', where: IN_REGEX_LOCATION },
    { label: '<Location />', location: '/', slash: '/', where: IN_PREFIX_LOCATION },
  ])('$label: the line printed for it, pasted there, makes HMR work', async ({ location, slash, where }) => {
    const vite = await scenario.vite()
    const target = `http://${vite.host}:${vite.port}${slash}`
    const virtualHost = `<Location ${location}>\n    ProxyPass ${target}\n    ProxyPassReverse ${target}\n</Location>`
    const { origin, restart } = await scenario.apache(virtualHost)
    const context = await scenario.context(mode)
    const url = `${origin}/`

    await openPage(context, url)
    const output = await scenario.diagnosis(vite, SUMMARY)
    await restart(replaceLine(virtualHost, /^\s*ProxyPass http/, printedBlock(output, where)))
    const fixed = await openPage(context, url)
    await expectHmrApplies(fixed, vite)
    expect(fixed.console.join('\n')).not.toMatch(
      /WebSocket connection to .* failed|Direct websocket connection fallback/,
    )
  })
})
