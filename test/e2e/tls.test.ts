import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import {
  BROWSER_MODES,
  type BrowserMode,
  type Certificate,
  configWithPrintedFix,
  expectHmrApplies,
  freePort,
  launchBrowser,
  newContext,
  nginxConfig,
  noticeText,
  openPage,
  PROXY_HOST,
  PROXY_NAME,
  printedBlock,
  type RunningVite,
  selfSignedCertificate,
  startNginx,
  startVite,
  waitFor,
} from '../harness/index.js'

const WEBSOCKET_MAP = `map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}`
const UPGRADE_HEADERS = `proxy_http_version 1.1;
proxy_set_header Upgrade $http_upgrade;
proxy_set_header Connection $connection_upgrade;`
const VITE_FIX = 'vite.config, merged into your config'

let browser: Browser
let certificate: Certificate
const cleanup: Array<() => Promise<unknown>> = []
beforeAll(async () => {
  browser = await launchBrowser({ names: true })
  certificate = selfSignedCertificate(PROXY_NAME)
})
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})
afterAll(async () => {
  await browser?.close()
  certificate?.remove()
})

async function vite(options: Parameters<typeof startVite>[0] = {}): Promise<RunningVite> {
  const running = await startVite(options)
  cleanup.push(() => running.stop())
  return running
}

/** nginx ending TLS for PROXY_NAME in front of plain-http Vite, upgrade headers forwarded. */
async function tlsProxy(upstream: string): Promise<string> {
  const port = await freePort(PROXY_HOST)
  const nginx = await startNginx(
    nginxConfig({
      listen: `${PROXY_HOST}:${port} ssl`,
      upstream,
      http: WEBSOCKET_MAP,
      server: `server_name ${PROXY_NAME};\nssl_certificate ${certificate.certFile};\nssl_certificate_key ${certificate.keyFile};`,
      location: UPGRADE_HEADERS,
    }),
    { host: PROXY_HOST, port },
  )
  cleanup.push(() => nginx.stop())
  return `https://${PROXY_NAME}:${port}`
}

async function context(mode: BrowserMode): Promise<BrowserContext> {
  const created = await newContext(browser, mode)
  cleanup.push(() => created.close())
  return created
}

function diagnosis(running: RunningVite, summary: string): Promise<string> {
  return waitFor(`"${summary}"`, () => {
    const text = running.logger.text()
    return text.includes(summary) && text
  })
}

async function fixedBy(first: RunningVite, user: string, output: string): Promise<RunningVite> {
  const { configFile, files } = configWithPrintedFix(user, printedBlock(output, VITE_FIX))
  await first.stop()
  return vite({ configFile, files, port: first.port })
}

describe.each(BROWSER_MODES)('TLS ends at nginx, %s browser', (mode) => {
  test('with no HMR settings, HMR works through wss and nothing is printed', async () => {
    const running = await vite({ doctor: { socketGraceMs: 500 } })
    const origin = await tlsProxy(`${running.host}:${running.port}`)
    const page = await openPage(await context(mode), `${origin}/`)
    await expectHmrApplies(page, running)
    await page.page.waitForTimeout(2500)
    expect(running.logger.text()).not.toContain('[hmr-doctor]')
    expect(await noticeText(page.page)).toBeNull()
  })

  test("hmr.protocol 'ws' forced: the blocked mixed-content socket is named; the printed protocol fixes it", async () => {
    const user = `export default defineConfig({ server: { ws: { protocol: 'ws' } } })`
    const first = await vite({ configFile: `import { defineConfig } from 'vite'\n\n${user}\n` })
    const origin = await tlsProxy(`${first.host}:${first.port}`)
    const browserContext = await context(mode)
    const broken = await openPage(browserContext, `${origin}/`)
    const output = await diagnosis(first, `[hmr-doctor] The browser dials the HMR socket at ws://${PROXY_NAME}:`)
    expect(output).toMatch(/the browser refused it \(SecurityError: /)
    await expect.poll(() => noticeText(broken.page)).toContain('dials the HMR socket')

    const fixed = await fixedBy(first, user, output)
    expect(printedBlock(output, VITE_FIX)).toContain("protocol: 'wss',")
    const page = await openPage(browserContext, `${origin}/`)
    await expectHmrApplies(page, fixed)
    expect(page.console.join('\n')).not.toMatch(/WebSocket connection to .* failed/)
  })

  test("clientPort set to Vite's own port: the socket that misses nginx is named; the printed clientPort fixes it", async () => {
    const port = await freePort()
    const user = `export default defineConfig({ server: { ws: { clientPort: ${port} } } })`
    const first = await vite({ configFile: `import { defineConfig } from 'vite'\n\n${user}\n`, port })
    const origin = await tlsProxy(`${first.host}:${first.port}`)
    const browserContext = await context(mode)
    await openPage(browserContext, `${origin}/`)
    const output = await diagnosis(
      first,
      `[hmr-doctor] The browser dials the HMR socket at wss://${PROXY_NAME}:${port}/`,
    )

    const fixed = await fixedBy(first, user, output)
    expect(printedBlock(output, VITE_FIX)).toContain(`clientPort: ${new URL(origin).port},`)
    const page = await openPage(browserContext, `${origin}/`)
    await expectHmrApplies(page, fixed)
  })
})

describe.each(BROWSER_MODES)('the page under a name Vite does not allow, %s browser', (mode) => {
  test("only the handshake carries the browser's Host: Vite's silent 400 is named; the printed allowedHosts fixes it", async () => {
    // A path of its own lets the proxy treat the socket apart from the pages.
    const user = `export default defineConfig({ server: { ws: { path: 'hmr' } } })`
    const first = await vite({ configFile: `import { defineConfig } from 'vite'\n\n${user}\n` })
    const port = await freePort(PROXY_HOST)
    const nginx = await startNginx(
      nginxConfig({
        listen: `${PROXY_HOST}:${port}`,
        upstream: `${first.host}:${first.port}`,
        http: WEBSOCKET_MAP,
        // The upgrade route forwards the browser's Host; the page route keeps nginx's default (the upstream).
        server: `location = /hmr {\n    proxy_pass http://${first.host}:${first.port};\n${UPGRADE_HEADERS.replace(/^/gm, '    ')}\n    proxy_set_header Host $host;\n}`,
      }),
      { host: PROXY_HOST, port },
    )
    cleanup.push(() => nginx.stop())
    const browserContext = await context(mode)
    await openPage(browserContext, `http://${PROXY_NAME}:${port}/`)
    const output = await diagnosis(
      first,
      `[hmr-doctor] Vite's host check refuses the HMR handshake's Host "${PROXY_NAME}" with a silent 400.`,
    )
    const { configFile, files } = configWithPrintedFix(
      user,
      printedBlock(output, `${VITE_FIX} (add to any allowedHosts you already have)`),
    )
    await first.stop()
    const fixed = await vite({ configFile, files, port: first.port })
    const page = await openPage(browserContext, `http://${PROXY_NAME}:${port}/`)
    await expectHmrApplies(page, fixed)
    expect(page.console.join('\n')).not.toMatch(/WebSocket connection to .* failed/)
  })
})
