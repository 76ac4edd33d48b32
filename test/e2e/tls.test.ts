import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  BROWSER_MODES,
  type Certificate,
  checkAsPointed,
  configWithPrintedFix,
  expectHmrApplies,
  expectSilence,
  freePort,
  noticeText,
  openPage,
  PROXY_HOST,
  PROXY_NAME,
  printedBlock,
  type RunningVite,
  selfSignedCertificate,
} from '../harness/index.js'
import { UPGRADE_HEADERS, useScenario, WEBSOCKET_MAP } from '../harness/scenario.js'

const VITE_FIX = 'vite.config, merged into your config'

const scenario = useScenario({ names: true })
let certificate: Certificate
beforeAll(() => {
  certificate = selfSignedCertificate(PROXY_NAME)
})
afterAll(() => {
  certificate?.remove()
})

/** nginx ending TLS for PROXY_NAME in front of plain-http Vite, upgrade headers forwarded. */
async function tlsProxy(upstream: string): Promise<string> {
  const { port } = await scenario.nginx(
    {
      upstream,
      http: WEBSOCKET_MAP,
      server: `server_name ${PROXY_NAME};\nssl_certificate ${certificate.certFile};\nssl_certificate_key ${certificate.keyFile};`,
      location: UPGRADE_HEADERS,
    },
    { ssl: true },
  )
  return `https://${PROXY_NAME}:${port}`
}

async function fixedBy(first: RunningVite, user: string, output: string): Promise<RunningVite> {
  const { configFile, files } = configWithPrintedFix(user, printedBlock(output, VITE_FIX))
  await first.stop()
  return scenario.vite({ configFile, files, port: first.port })
}

describe.each(BROWSER_MODES)('TLS ends at nginx, %s browser', (mode) => {
  test('with no HMR settings, HMR works through wss and nothing is printed', async () => {
    const running = await scenario.vite()
    const origin = await tlsProxy(`${running.host}:${running.port}`)
    const page = await openPage(await scenario.context(mode), `${origin}/`)
    await expectHmrApplies(page, running)
    await expectSilence(running, page)
  })

  test("hmr.protocol 'ws' forced: the blocked mixed-content socket is named; the printed protocol fixes it", async () => {
    const user = `export default defineConfig({ server: { ws: { protocol: 'ws' } } })`
    const first = await scenario.vite({ configFile: `import { defineConfig } from 'vite'\n\n${user}\n` })
    const origin = await tlsProxy(`${first.host}:${first.port}`)
    const browserContext = await scenario.context(mode)
    const broken = await openPage(browserContext, `${origin}/`)
    const output = await scenario.diagnosis(
      first,
      `[hmr-doctor] The browser dials the HMR socket at ws://${PROXY_NAME}:`,
    )
    expect(output).toMatch(/the browser refused it \(SecurityError: /)
    await expect.poll(() => noticeText(broken.page)).toContain('dials the HMR socket')
    const checked = await checkAsPointed(output, `${origin}/`, ['--insecure'], { [PROXY_NAME]: PROXY_HOST })

    const fixed = await fixedBy(first, user, checked)
    expect(printedBlock(checked, VITE_FIX)).toContain("protocol: 'wss',")
    const page = await openPage(browserContext, `${origin}/`)
    await expectHmrApplies(page, fixed)
    expect(page.console.join('\n')).not.toMatch(/WebSocket connection to .* failed/)
  })

  test("clientPort set to Vite's own port: the socket that misses nginx is named; the printed clientPort fixes it", async () => {
    const port = await freePort()
    const user = `export default defineConfig({ server: { ws: { clientPort: ${port} } } })`
    const first = await scenario.vite({ configFile: `import { defineConfig } from 'vite'\n\n${user}\n`, port })
    const origin = await tlsProxy(`${first.host}:${first.port}`)
    const browserContext = await scenario.context(mode)
    await openPage(browserContext, `${origin}/`)
    const output = await scenario.diagnosis(
      first,
      `[hmr-doctor] The browser dials the HMR socket at wss://${PROXY_NAME}:${port}/`,
    )
    const checked = await checkAsPointed(output, `${origin}/`, ['--insecure'], { [PROXY_NAME]: PROXY_HOST })

    const fixed = await fixedBy(first, user, checked)
    expect(printedBlock(checked, VITE_FIX)).toContain(`clientPort: ${new URL(origin).port},`)
    const page = await openPage(browserContext, `${origin}/`)
    await expectHmrApplies(page, fixed)
  })
})

describe.each(BROWSER_MODES)('the page under a name Vite does not allow, %s browser', (mode) => {
  test("only the handshake carries the browser's Host: Vite's silent 400 is named; the printed allowedHosts fixes it", async () => {
    // A path of its own lets the proxy treat the socket apart from the pages.
    const user = `export default defineConfig({ server: { ws: { path: 'hmr' } } })`
    const first = await scenario.vite({ configFile: `import { defineConfig } from 'vite'\n\n${user}\n` })
    const { port } = await scenario.nginx({
      upstream: `${first.host}:${first.port}`,
      http: WEBSOCKET_MAP,
      // The upgrade route forwards the browser's Host; the page route keeps nginx's default (the upstream).
      server: `location = /hmr {\n    proxy_pass http://${first.host}:${first.port};\n${UPGRADE_HEADERS.replace(/^/gm, '    ')}\n    proxy_set_header Host $host;\n}`,
    })
    const browserContext = await scenario.context(mode)
    await openPage(browserContext, `http://${PROXY_NAME}:${port}/`)
    const output = await scenario.diagnosis(
      first,
      `[hmr-doctor] Vite's host check refuses the HMR handshake's Host "${PROXY_NAME}" with a silent 400.`,
    )
    const { configFile, files } = configWithPrintedFix(
      user,
      printedBlock(output, `${VITE_FIX} (add to any allowedHosts you already have)`),
    )
    await first.stop()
    const fixed = await scenario.vite({ configFile, files, port: first.port })
    const page = await openPage(browserContext, `http://${PROXY_NAME}:${port}/`)
    await expectHmrApplies(page, fixed)
    expect(page.console.join('\n')).not.toMatch(/WebSocket connection to .* failed/)
  })
})
