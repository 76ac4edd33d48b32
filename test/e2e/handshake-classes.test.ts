import { describe, expect, test } from 'vitest'
import {
  BROWSER_MODES,
  type BrowserMode,
  checkAsPointed,
  configWithPrintedFix,
  expectHmrApplies,
  expectSilence,
  freePort,
  nginxConfig,
  noticeText,
  openPage,
  PROXY_HOST,
  pasteReplacingDirectives,
  printedBlock,
  type RunningVite,
} from '../harness/index.js'
import { UPGRADE_HEADERS, useScenario, WEBSOCKET_MAP } from '../harness/scenario.js'

const VITE_FIX = 'vite.config, merged into your config'
const NGINX_PROXY_PASS_FIX = 'nginx, in the location {} that proxies Vite, replacing its proxy_pass'

const scenario = useScenario()

/** Stops a diagnosed Vite and starts it again with `configFile`, on the same port the proxy points at. */
async function restart(running: RunningVite, options: Parameters<typeof scenario.vite>[0]): Promise<RunningVite> {
  await running.stop()
  return scenario.vite({ ...options, port: running.port })
}

/** Vite configured by `user`, behind nginx forwarding the upgrade, its page opened once in a `mode` browser. */
async function openedBehindProxy(user: string, mode: BrowserMode) {
  const first = await scenario.vite({ configFile: `import { defineConfig } from 'vite'\n\n${user}\n` })
  const { origin } = await scenario.nginx({
    upstream: `${first.host}:${first.port}`,
    http: WEBSOCKET_MAP,
    location: UPGRADE_HEADERS,
  })
  const browserContext = await scenario.context(mode)
  await openPage(browserContext, `${origin}/`)
  return { first, origin, browserContext }
}

describe.each(BROWSER_MODES)('handshake failure classes, %s browser', (mode) => {
  test('a Host Vite refuses: every page 403s silently; allowing the name the doctor names makes the page and HMR work', async () => {
    const first = await scenario.vite()
    const { origin } = await scenario.nginx({
      upstream: `${first.host}:${first.port}`,
      http: WEBSOCKET_MAP,
      location: `${UPGRADE_HEADERS}\nproxy_set_header Host app.test;`,
    })
    const browserContext = await scenario.context(mode)
    const blocked = await openPage(browserContext, `${origin}/`)
    const output = await scenario.diagnosis(
      first,
      `[hmr-doctor] Vite's host check refuses "app.test": every page through the proxy gets 403`,
    )
    expect(output).toContain('seen: GET / with Host: app.test')
    expect(await blocked.page.textContent('body')).toContain('Blocked request')
    // A refused page request proves nothing about its Host (any client can send one), so the doctor names
    // it and says what to do, but prints nothing to paste; the user, who knows the name, follows the words.
    expect(output).not.toContain('defineConfig')
    const named =
      /If "([^"]+)" is the name your proxy or tunnel serves the app under, add it to server\.allowedHosts/.exec(
        output,
      )?.[1]
    expect(named).toBe('app.test')

    const fixed = await restart(first, {
      configFile: `import { defineConfig } from 'vite'\n\nexport default defineConfig({ server: { allowedHosts: [${JSON.stringify(named)}] } })\n`,
    })
    const page = await openPage(browserContext, `${origin}/`)
    await expectHmrApplies(page, fixed)
    await expectSilence(fixed, page)
  })

  test('a proxy_pass that drops the query: the token-less handshake is named; the printed proxy_pass fixes it', async () => {
    const running = await scenario.vite()
    const upstream = `${running.host}:${running.port}`
    const body = `proxy_pass http://${upstream}$uri;\n${UPGRADE_HEADERS}`
    const { nginx, origin, site } = await scenario.nginx({ upstream, http: WEBSOCKET_MAP, locationBody: body })
    const browserContext = await scenario.context(mode)
    const broken = await openPage(browserContext, `${origin}/`)
    const output = await scenario.diagnosis(running, '[hmr-doctor] nginx drops the query string')
    expect(output).toContain(`seen: the HMR handshake arrived at / with Origin ${origin} and no token in its query`)
    await expect.poll(() => noticeText(broken.page)).toContain('drops the query string')

    await nginx.restart(
      nginxConfig({
        ...site,
        locationBody: pasteReplacingDirectives(body, printedBlock(output, NGINX_PROXY_PASS_FIX)),
      }),
    )
    const page = await openPage(browserContext, `${origin}/`)
    await expectHmrApplies(page, running)
    expect(page.console.join('\n')).not.toMatch(/WebSocket connection to .* failed/)
  })

  test('a location that strips base: the redirect loop is named; the printed proxy_pass keeps the prefix', async () => {
    const running = await scenario.vite({ config: { base: '/app/' } })
    const upstream = `${running.host}:${running.port}`
    const body = `proxy_pass http://${upstream}/;\n${UPGRADE_HEADERS}`
    const { nginx, origin, site } = await scenario.nginx({
      upstream,
      http: WEBSOCKET_MAP,
      locationPath: '/app/',
      locationBody: body,
    })
    const browserContext = await scenario.context(mode)
    const page = await browserContext.newPage()
    await expect(page.goto(`${origin}/app/`)).rejects.toThrow(/ERR_TOO_MANY_REDIRECTS/)
    const output = await scenario.diagnosis(
      running,
      '[hmr-doctor] nginx strips the path prefix: Vite serves under /app/',
    )
    expect(output).toMatch(/seen: GET \/ arrived \d+ times outside base \/app\/: Vite redirects it into \/app\//)

    await nginx.restart(
      nginxConfig({
        ...site,
        locationBody: pasteReplacingDirectives(body, printedBlock(output, NGINX_PROXY_PASS_FIX)),
      }),
    )
    const fixed = await openPage(browserContext, `${origin}/app/`)
    await expectHmrApplies(fixed, running)
  })

  test('a separate HMR port behind the proxy: the misdirected socket is named; the printed settings route it', async () => {
    const hmrPort = await freePort()
    const user = `export default defineConfig({ server: { ws: { port: ${hmrPort} } } })`
    const { first, origin, browserContext } = await openedBehindProxy(user, mode)
    const output = await scenario.diagnosis(
      first,
      `[hmr-doctor] The browser dials the HMR socket at ws://${PROXY_HOST}:${hmrPort}/, not through ${origin}`,
    )
    expect(output).toContain(`A separate server.ws.port is a second server the proxy doesn't carry`)
    // Where Vite saw the socket open straight to its port, it saw where the page is; otherwise only the
    // page's report says so, and the fix is the check's.
    const fix = output.includes('it opened only because this browser reaches that address directly')
      ? printedBlock(output, VITE_FIX)
      : printedBlock(await checkAsPointed(output, `${origin}/`), VITE_FIX)

    const { configFile, files } = configWithPrintedFix(user, fix)
    expect(files['fix.config.ts']).toContain(`clientPort: ${new URL(origin).port},`)
    const fixed = await restart(first, { configFile, files })
    const page = await openPage(browserContext, `${origin}/`)
    await expectHmrApplies(page, fixed)
    await expectSilence(fixed, page)
  })

  test('hmr.host set to 0.0.0.0: the unusable address is named; the printed host makes HMR work', async () => {
    const user = `export default defineConfig({ server: { ws: { host: '0.0.0.0' } } })`
    const { first, origin, browserContext } = await openedBehindProxy(user, mode)
    const output = await scenario.diagnosis(first, `[hmr-doctor] The browser dials the HMR socket at ws://0.0.0.0:`)

    const { configFile, files } = configWithPrintedFix(
      user,
      printedBlock(await checkAsPointed(output, `${origin}/`), VITE_FIX),
    )
    expect(files['fix.config.ts']).toContain(`host: '${PROXY_HOST}',`)
    const fixed = await restart(first, { configFile, files })
    const page = await openPage(browserContext, `${origin}/`)
    await expectHmrApplies(page, fixed)
  })
})
