import { describe, expect, test } from 'vitest'
import {
  BROWSER_MODES,
  checkTyped,
  configWithPrintedFix,
  expectHmrApplies,
  freePort,
  nginxConfig,
  openPage,
  PROXY_HOST,
  pasteReplacingDirectives,
  printedBlock,
  printedBlocks,
  waitFor,
} from '../harness/index.js'
import { UPGRADE_HEADERS, useScenario, WEBSOCKET_MAP } from '../harness/scenario.js'

const HTTP_BLOCK = 'nginx, inside http {}'
const VITE_FIX = 'vite.config, merged into your config'
const NGINX_PROXY_PASS_FIX = 'nginx, in the location {} that proxies Vite, replacing its proxy_pass'
const SERVER_BLOCK = 'nginx, inside the server {} that proxies Vite'

const scenario = useScenario()

describe.each(BROWSER_MODES)('what each hop answered, %s browser', (mode) => {
  test("the seed's 426: nginx flattens the handshake on its way to Vite's socket server; the printed location fixes it", async () => {
    const hmrPort = await freePort()
    const port = await freePort(PROXY_HOST)
    const vite = await scenario.vite({
      configFile: `import { defineConfig } from 'vite'

export default defineConfig({ server: { ws: { port: ${hmrPort}, clientPort: ${port}, path: 'hmr' } } })
`,
    })
    // A route for the socket's path to Vite's socket server, but without the upgrade headers.
    const hmrRoute = `location /hmr {\n    proxy_pass http://127.0.0.1:${hmrPort};\n}`
    const { nginx, origin, site } = await scenario.nginx(
      { upstream: `${vite.host}:${vite.port}`, http: WEBSOCKET_MAP, location: UPGRADE_HEADERS, server: hmrRoute },
      { port },
    )
    const context = await scenario.context(mode)
    await openPage(context, `${origin}/`)
    const output = await scenario.diagnosis(
      vite,
      `[hmr-doctor] nginx drops the WebSocket upgrade: the HMR handshake reaches Vite's socket server (port ${hmrPort}) as a plain request, and it answers 426 Upgrade Required.`,
    )
    const location = printedBlock(output, SERVER_BLOCK)
    expect(location).toContain(`proxy_pass http://127.0.0.1:${hmrPort};`)

    await nginx.restart(nginxConfig({ ...site, server: `${location}\n${hmrRoute}` }))
    const fixed = await openPage(context, `${origin}/`)
    await expectHmrApplies(fixed, vite)
    expect(fixed.console.join('\n')).not.toMatch(/WebSocket connection to .* failed/)
  })

  test('Upgrade kept, Connection emptied (a keepalive recipe): the lost header is named; the printed lines fix it', async () => {
    const vite = await scenario.vite()
    const location = `proxy_http_version 1.1;\nproxy_set_header Upgrade $http_upgrade;\nproxy_set_header Connection "";`
    const { nginx, origin, site } = await scenario.nginx({ upstream: `${vite.host}:${vite.port}`, location })
    const context = await scenario.context(mode)
    await openPage(context, `${origin}/`)
    // nginx speaking HTTP/1.1 without `Connection: close` leaves no mark to tell it by: "the proxy".
    const output = await scenario.diagnosis(vite, '[hmr-doctor] nginx drops the WebSocket upgrade')
    expect(output).toContain('nginx passes Upgrade on but not Connection: upgrade, so Vite sees no upgrade at all.')
    expect(output).toContain('with no Connection header and Upgrade: websocket')

    await nginx.restart(
      nginxConfig({ ...site, http: printedBlock(output, HTTP_BLOCK), server: printedBlock(output, SERVER_BLOCK) }),
    )
    const fixed = await openPage(context, `${origin}/`)
    await expectHmrApplies(fixed, vite)
    expect(fixed.console.join('\n')).not.toMatch(
      /WebSocket connection to .* failed|Direct websocket connection fallback/,
    )
  })

  test("nginx's 502: its route for the socket dials 127.0.0.1 while Vite listens on ::1 only; the printed route fixes it", async () => {
    const vite = await scenario.vite({
      host: '::1',
      configFile: `import { defineConfig } from 'vite'\n\nexport default defineConfig({ server: { ws: { path: 'hmr' } } })\n`,
    })
    const hmrRoute = `location /hmr {\n    proxy_pass http://127.0.0.1:${vite.port};\n${UPGRADE_HEADERS.replace(/^/gm, '    ')}\n}`
    const { nginx, origin, site } = await scenario.nginx({
      upstream: `[::1]:${vite.port}`,
      http: WEBSOCKET_MAP,
      location: UPGRADE_HEADERS,
      server: hmrRoute,
    })
    const context = await scenario.context(mode)
    await openPage(context, `${origin}/`)

    const output = await scenario.diagnosis(
      vite,
      "[hmr-doctor] nginx answered 502 for /hmr: it can't reach Vite at the upstream it uses there.",
    )
    expect(output).toContain(`Vite listens on [::1]:${vite.port} (IPv6 only: localhost resolved to ::1).`)
    const location = printedBlock(output, SERVER_BLOCK)
    expect(location).toContain(`proxy_pass http://[::1]:${vite.port};`)

    await nginx.restart(nginxConfig({ ...site, server: `${location}\n${hmrRoute}` }))
    const fixed = await openPage(context, `${origin}/`)
    await expectHmrApplies(fixed, vite)
  })

  test("nginx's 404: the socket's path isn't among the routes to Vite; the printed route fixes it", async () => {
    const vite = await scenario.vite({
      configFile: `import { defineConfig } from 'vite'\n\nexport default defineConfig({ server: { ws: { path: 'hmr' } } })\n`,
    })
    const upstream = `${vite.host}:${vite.port}`
    // Only the app's own paths go to Vite; anything else is the site's static root, which has no /hmr.
    const appRoutes = ['= /', '/@vite/', '/@fs/', '/@id/', '/src/', '/node_modules/']
      .map((path) => `location ${path} {\n    proxy_pass http://${upstream};\n}`)
      .join('\n')
    const { nginx, origin, site } = await scenario.nginx({
      upstream,
      http: WEBSOCKET_MAP,
      server: appRoutes,
      locationBody: 'return 404;',
    })
    const context = await scenario.context(mode)
    await openPage(context, `${origin}/`)
    const output = await scenario.diagnosis(
      vite,
      "[hmr-doctor] nginx answered 404 for /hmr: the HMR socket's path isn't routed to Vite.",
    )

    await nginx.restart(
      nginxConfig({
        ...site,
        http: printedBlock(output, HTTP_BLOCK),
        server: `${printedBlock(output, SERVER_BLOCK)}\n${appRoutes}`,
      }),
    )
    const fixed = await openPage(context, `${origin}/`)
    await expectHmrApplies(fixed, vite)
  })

  test("base '/' behind a prefix-stripping location: the page's client never reaches Vite, described; the check's base and proxy_pass fix it", async () => {
    const first = await scenario.vite()
    const upstream = `${first.host}:${first.port}`
    const body = `proxy_pass http://${upstream}/;\n${UPGRADE_HEADERS}`
    const { nginx, origin, site } = await scenario.nginx({
      upstream,
      http: WEBSOCKET_MAP,
      locationPath: '/app/',
      locationBody: body,
    })
    const context = await scenario.context(mode)
    await openPage(context, `${origin}/app/`)
    // The prefix is the page report's word: described, with the check to run on the page's URL.
    const described = await scenario.diagnosis(
      first,
      `[hmr-doctor] Vite served the page at ${origin}/app/, but Vite's client never ran in it: no HMR. A proxy (nginx, by the marks on the report) seems to strip /app/ before Vite sees it.`,
    )
    expect(described).toContain(
      `seen: the page at ${origin}/app/ asked for ${origin}/@vite/client, which never reached Vite`,
    )
    expect(printedBlocks(described).size).toBe(0)
    const checked = await checkTyped(`${origin}/app/`, [])
    expect(checked.code).toBe(1)
    const output = checked.stdout
    expect(output).toContain(
      '[hmr-doctor] nginx strips /app/ before Vite sees it: Vite serves the page, but its client never reaches Vite, so no HMR.',
    )

    const { configFile, files } = configWithPrintedFix(
      'export default defineConfig({})',
      printedBlock(output, VITE_FIX),
    )
    expect(files['fix.config.ts']).toContain("base: '/app/',")
    await first.stop()
    const fixed = await scenario.vite({ configFile, files, port: first.port })
    await nginx.restart(
      nginxConfig({
        ...site,
        locationBody: pasteReplacingDirectives(body, printedBlock(output, NGINX_PROXY_PASS_FIX)),
      }),
    )
    const page = await openPage(context, `${origin}/app/`)
    await expectHmrApplies(page, fixed)
    expect(fixed.logger.text()).not.toContain('[hmr-doctor]')
  })

  test("nginx's 504: a location that rewrites the socket's path leaves the handshake unanswered; the printed proxy_pass fixes it", async () => {
    const vite = await scenario.vite({
      configFile: `import { defineConfig } from 'vite'\n\nexport default defineConfig({ server: { ws: { path: 'hmr' } } })\n`,
    })
    const upstream = `${vite.host}:${vite.port}`
    const body = `proxy_pass http://${upstream}/hmr-old;\n${UPGRADE_HEADERS}\nproxy_read_timeout 1s;`
    const route = (location: string) => `location /hmr {\n${location.replace(/^/gm, '    ')}\n}`
    const { nginx, origin, site } = await scenario.nginx({
      upstream,
      http: WEBSOCKET_MAP,
      location: UPGRADE_HEADERS,
      server: route(body),
    })
    const context = await scenario.context(mode)
    const broken = await openPage(context, `${origin}/`)
    const output = await scenario.diagnosis(vite, "[hmr-doctor] nginx rewrites the HMR socket's path")
    expect(output).toContain('seen: the HMR handshake arrived at /hmr-old, not at /hmr: Vite never answers it')
    await waitFor('the browser to see the proxy give up', () =>
      broken.console.some((line) => line.includes('Unexpected response code: 504')),
    )

    const fixedBody = pasteReplacingDirectives(body, printedBlock(output, NGINX_PROXY_PASS_FIX))
    await nginx.restart(nginxConfig({ ...site, server: route(fixedBody) }))
    const fixed = await openPage(context, `${origin}/`)
    await expectHmrApplies(fixed, vite)
  })
})
