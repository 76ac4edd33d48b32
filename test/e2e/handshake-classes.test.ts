import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import {
  BROWSER_MODES,
  type BrowserMode,
  configWithPrintedFix,
  expectHmrApplies,
  freePort,
  launchBrowser,
  type NginxSite,
  newContext,
  nginxConfig,
  noticeText,
  openPage,
  PROXY_HOST,
  pasteReplacingDirectives,
  printedBlock,
  type RunningVite,
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
const NGINX_PROXY_PASS_FIX = 'nginx, in the location {} that proxies Vite, replacing its proxy_pass'

let browser: Browser
const cleanup: Array<() => Promise<unknown>> = []
beforeAll(async () => {
  browser = await launchBrowser()
})
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})
afterAll(async () => {
  await browser?.close()
})

async function vite(options: Parameters<typeof startVite>[0] = {}): Promise<RunningVite> {
  const running = await startVite(options)
  cleanup.push(() => running.stop())
  return running
}

async function nginxFor(site: (upstream: string) => Omit<NginxSite, 'listen' | 'upstream'>, upstream: string) {
  const port = await freePort(PROXY_HOST)
  const full = (target: string): NginxSite => ({ listen: `${PROXY_HOST}:${port}`, upstream: target, ...site(target) })
  const nginx = await startNginx(nginxConfig(full(upstream)), { host: PROXY_HOST, port })
  cleanup.push(() => nginx.stop())
  return { nginx, port, origin: `http://${PROXY_HOST}:${port}`, full }
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

/** Stops a diagnosed Vite and starts it again with `configFile`, on the same port the proxy points at. */
async function restart(running: RunningVite, options: Parameters<typeof startVite>[0]): Promise<RunningVite> {
  await running.stop()
  return vite({ ...options, port: running.port })
}

describe.each(BROWSER_MODES)('handshake failure classes, %s browser', (mode) => {
  test('a Host Vite refuses: every page 403s silently; the printed allowedHosts makes the page and HMR work', async () => {
    const first = await vite()
    const { origin } = await nginxFor(
      () => ({ http: WEBSOCKET_MAP, location: `${UPGRADE_HEADERS}\nproxy_set_header Host app.test;` }),
      `${first.host}:${first.port}`,
    )
    const browserContext = await context(mode)
    const blocked = await openPage(browserContext, `${origin}/`)
    const output = await diagnosis(
      first,
      `[hmr-doctor] Vite's host check refuses "app.test": every page through the proxy gets 403`,
    )
    expect(output).toContain('seen: GET / with Host: app.test')
    expect(output).toContain('Never allowedHosts: true')
    expect(await blocked.page.textContent('body')).toContain('Blocked request')

    const { configFile, files } = configWithPrintedFix(
      'export default defineConfig({})',
      printedBlock(output, `${VITE_FIX} (add to any allowedHosts you already have)`),
    )
    const fixed = await restart(first, { configFile, files })
    const page = await openPage(browserContext, `${origin}/`)
    await expectHmrApplies(page, fixed)
    expect(fixed.logger.text()).not.toContain('[hmr-doctor]')
  })

  test('a proxy_pass that drops the query: the token-less handshake is named; the printed proxy_pass fixes it', async () => {
    const running = await vite()
    const body = (upstream: string) => `proxy_pass http://${upstream}$uri;\n${UPGRADE_HEADERS}`
    const { nginx, origin, full } = await nginxFor(
      (upstream) => ({ http: WEBSOCKET_MAP, locationBody: body(upstream) }),
      `${running.host}:${running.port}`,
    )
    const browserContext = await context(mode)
    const broken = await openPage(browserContext, `${origin}/`)
    const output = await diagnosis(running, '[hmr-doctor] The proxy drops the query string')
    expect(output).toContain(`seen: the HMR handshake arrived at / with Origin ${origin} and no token in its query`)
    await expect.poll(() => noticeText(broken.page)).toContain('drops the query string')

    const upstream = `${running.host}:${running.port}`
    await nginx.restart(
      nginxConfig({
        ...full(upstream),
        locationBody: pasteReplacingDirectives(body(upstream), printedBlock(output, NGINX_PROXY_PASS_FIX)),
      }),
    )
    const page = await openPage(browserContext, `${origin}/`)
    await expectHmrApplies(page, running)
    expect(page.console.join('\n')).not.toMatch(/WebSocket connection to .* failed/)
  })

  test('a location that strips base: the redirect loop is named; the printed proxy_pass keeps the prefix', async () => {
    const running = await vite({ config: { base: '/app/' } })
    const body = (upstream: string) => `proxy_pass http://${upstream}/;\n${UPGRADE_HEADERS}`
    const { nginx, origin, full } = await nginxFor(
      (upstream) => ({ http: WEBSOCKET_MAP, locationPath: '/app/', locationBody: body(upstream) }),
      `${running.host}:${running.port}`,
    )
    const browserContext = await context(mode)
    const page = await browserContext.newPage()
    await expect(page.goto(`${origin}/app/`)).rejects.toThrow(/ERR_TOO_MANY_REDIRECTS/)
    const output = await diagnosis(running, '[hmr-doctor] The proxy strips the path prefix: Vite serves under /app/')
    expect(output).toMatch(/seen: GET \/ arrived \d+ times outside base \/app\/: Vite redirects it into \/app\//)

    const upstream = `${running.host}:${running.port}`
    await nginx.restart(
      nginxConfig({
        ...full(upstream),
        locationBody: pasteReplacingDirectives(body(upstream), printedBlock(output, NGINX_PROXY_PASS_FIX)),
      }),
    )
    const fixed = await openPage(browserContext, `${origin}/app/`)
    await expectHmrApplies(fixed, running)
  })

  test('a separate HMR port behind the proxy: the misdirected socket is named; the printed settings route it', async () => {
    const hmrPort = await freePort()
    const user = `export default defineConfig({ server: { ws: { port: ${hmrPort} } } })`
    const first = await vite({ configFile: `import { defineConfig } from 'vite'\n\n${user}\n` })
    const { origin } = await nginxFor(
      () => ({ http: WEBSOCKET_MAP, location: UPGRADE_HEADERS }),
      `${first.host}:${first.port}`,
    )
    const browserContext = await context(mode)
    await openPage(browserContext, `${origin}/`)
    const output = await diagnosis(
      first,
      `[hmr-doctor] The browser dials the HMR socket at ws://${PROXY_HOST}:${hmrPort}/, not through ${origin}`,
    )
    expect(output).toContain(`A separate server.ws.port is a second server the proxy doesn't carry`)

    const { configFile, files } = configWithPrintedFix(user, printedBlock(output, VITE_FIX))
    expect(files['fix.config.ts']).toContain(`clientPort: ${new URL(origin).port},`)
    const fixed = await restart(first, { configFile, files })
    const page = await openPage(browserContext, `${origin}/`)
    await expectHmrApplies(page, fixed)
    expect(fixed.logger.text()).not.toContain('[hmr-doctor]')
  })

  test('hmr.host set to 0.0.0.0: the unusable address is named; the printed host makes HMR work', async () => {
    const user = `export default defineConfig({ server: { ws: { host: '0.0.0.0' } } })`
    const first = await vite({ configFile: `import { defineConfig } from 'vite'\n\n${user}\n` })
    const { origin } = await nginxFor(
      () => ({ http: WEBSOCKET_MAP, location: UPGRADE_HEADERS }),
      `${first.host}:${first.port}`,
    )
    const browserContext = await context(mode)
    await openPage(browserContext, `${origin}/`)
    const output = await diagnosis(first, `[hmr-doctor] The browser dials the HMR socket at ws://0.0.0.0:`)

    const { configFile, files } = configWithPrintedFix(user, printedBlock(output, VITE_FIX))
    expect(files['fix.config.ts']).toContain(`host: '${PROXY_HOST}',`)
    const fixed = await restart(first, { configFile, files })
    const page = await openPage(browserContext, `${origin}/`)
    await expectHmrApplies(page, fixed)
  })
})
