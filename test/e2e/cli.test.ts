import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  backendPage,
  type Certificate,
  cliJson,
  configWithPrintedFix,
  copyFixtureApp,
  expectHmrApplies,
  freePort,
  type NginxSite,
  nginxConfig,
  openPage,
  PROXY_HOST,
  PROXY_NAME,
  pasteReplacingDirectives,
  printedBlock,
  printedBlocks,
  type RunningVite,
  runCli,
  runCliInTerminal,
  selfSignedCertificate,
  socketOptionsKey,
  waitFor,
} from '../harness/index.js'
import { UPGRADE_HEADERS, useScenario, WEBSOCKET_MAP } from '../harness/scenario.js'

const BARE_NGINX = '[hmr-doctor] nginx drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.'
const NGINX_HTTP = 'nginx, inside http {}'
const NGINX_SERVER = 'nginx, inside the server {} that proxies Vite'
/** An idle timeout far below Vite's client's ping interval, and a hold that outlasts it twice. */
const PROXY_TIMEOUT_S = 2
const IDLE_S = String(PROXY_TIMEOUT_S * 2 + 1)

const scenario = useScenario()

/**
 * Runs `check` and returns its exit code, its text and its JSON for the same URL. No answer these tests
 * expect is a timeout: a generous one keeps a busy machine's slow first transform from looking like one.
 */
async function check(url: string, ...options: string[]) {
  const text = await runCli(['check', url, '--timeout', '30', ...options])
  const json = cliJson(await runCli(['check', url, '--timeout', '30', '--json', ...options]))
  expect(json.exitCode).toBe(text.code)
  return { code: text.code, output: text.stdout, json }
}

/**
 * The plugin, seeing a real browser's page (proxy-only: as from Docker or another machine) through the same
 * setup, says `summary` too, and prints the same blocks as `cli` for every heading both printed.
 */
async function expectPluginAgrees(vite: RunningVite, url: string, summary: string, cli: string): Promise<void> {
  await openPage(await scenario.context('proxy-only'), url)
  const plugin = await scenario.diagnosis(vite, summary)
  const cliBlocks = printedBlocks(cli)
  for (const [where, text] of printedBlocks(plugin)) {
    if (cliBlocks.has(where)) expect(cliBlocks.get(where), where).toBe(text)
  }
}

/** `site` with the printed `map` and `location` for a dropped upgrade pasted where they say. */
function withUpgradeFix(site: NginxSite, output: string): NginxSite {
  return { ...site, http: printedBlock(output, NGINX_HTTP), server: printedBlock(output, NGINX_SERVER) }
}

/** nginx serving Vite under /app/ with a `proxy_pass` that strips that prefix (its URI part, `/`). */
async function prefixStrippingNginx(vite: RunningVite) {
  const upstream = `${vite.host}:${vite.port}`
  const body = `proxy_pass http://${upstream}/;\n${UPGRADE_HEADERS}`
  const proxy = await scenario.nginx({ upstream, http: WEBSOCKET_MAP, locationPath: '/app/', locationBody: body })
  return { ...proxy, body, upstream }
}

describe('hmr-doctor check, against the plugin on the same setups', () => {
  test("bare nginx: the plugin's diagnosis and fix; the printed lines, pasted, make check exit 0", async () => {
    const vite = await scenario.vite()
    const { nginx, origin, site } = await scenario.nginx({ upstream: `${vite.host}:${vite.port}` })
    const broken = await check(`${origin}/`)
    expect(broken.code).toBe(1)
    expect(broken.output).toContain(BARE_NGINX)
    expect(broken.output).toContain(
      `socket: ws://${PROXY_HOST}:${new URL(origin).port}/ answered 200 (Vite's page, Server: nginx`,
    )
    expect(broken.output).toContain(`proxy_pass http://${vite.host}:${vite.port};`)
    expect(broken.output).not.toContain(vite.server.config.webSocketToken)
    expect(broken.json.findings.map((finding) => finding.cause)).toEqual(['upgrade-stripped'])

    await expectPluginAgrees(vite, `${origin}/`, BARE_NGINX, broken.output)

    await nginx.restart(nginxConfig(withUpgradeFix(site, broken.output)))
    const fixed = await check(`${origin}/`)
    expect(fixed.output).toContain('HMR works through')
    expect(fixed.code).toBe(0)
  })

  test('Vite without the plugin: the same diagnosis behind bare nginx, healthy behind nginx forwarding the upgrade', async () => {
    const vite = await scenario.vite({ doctor: false })
    const bare = await scenario.nginx({ upstream: `${vite.host}:${vite.port}` })
    const broken = await check(`${bare.origin}/`)
    expect(broken.code).toBe(1)
    expect(broken.output).toContain(BARE_NGINX)
    const forwarding = await scenario.nginx({
      upstream: `${vite.host}:${vite.port}`,
      http: WEBSOCKET_MAP,
      location: UPGRADE_HEADERS,
    })
    const healthy = await check(`${forwarding.origin}/`)
    expect(healthy.output).not.toContain('drops')
    expect(healthy.code).toBe(0)
    expect(healthy.json.findings).toEqual([])
  })

  // Docker Compose names a service `web_app`; nginx forwarding that name gets every page refused by Vite.
  test('nginx forwarding Host: web_app:5173 (a name with `_`): exit 1 with the host-check finding, never "HMR works"', async () => {
    const vite = await scenario.vite()
    const proxy = await scenario.nginx({
      upstream: `${vite.host}:${vite.port}`,
      http: WEBSOCKET_MAP,
      location: `${UPGRADE_HEADERS}\nproxy_set_header Host web_app:5173;`,
    })
    const refused = await check(`${proxy.origin}/`)
    expect(refused.code).toBe(1)
    expect(refused.json.findings.map((finding) => finding.cause)).toEqual(['host-rejected'])
    expect(refused.output).toContain(`Vite's host check refuses "web_app"`)
    expect(refused.output).not.toContain('HMR works')
  })

  test("nginx's idle timeout: --idle measures it and names the plugin's cause; the printed lines stop it", async () => {
    const vite = await scenario.vite()
    const body = `${UPGRADE_HEADERS}\nproxy_set_header Host $host;\nproxy_read_timeout ${PROXY_TIMEOUT_S}s;`
    const { nginx, origin, site } = await scenario.nginx({
      upstream: `${vite.host}:${vite.port}`,
      http: WEBSOCKET_MAP,
      location: body,
    })
    const looping = await check(`${origin}/`, '--idle', IDLE_S)
    expect(looping.code).toBe(1)
    expect(looping.json.findings.map((finding) => finding.cause)).toEqual(['idle-timeout'])
    expect(looping.output).toContain(`closes the HMR socket after ${PROXY_TIMEOUT_S} s idle`)
    const fix = printedBlock(
      looping.output,
      "nginx, in the location {} that proxies Vite's HMR socket, replacing any proxy_read_timeout or proxy_send_timeout there",
    )
    await nginx.restart(nginxConfig({ ...site, location: pasteReplacingDirectives(body, fix) }))
    const fixed = await check(`${origin}/`, '--idle', IDLE_S)
    expect(fixed.code).toBe(0)
  })

  test('HAProxy without timeout tunnel: --idle names the idle timeout; the printed timeout tunnel stops it', async () => {
    const vite = await scenario.vite()
    const timeouts = ['connect', 'client', 'server'].map((name) => `timeout ${name} ${PROXY_TIMEOUT_S}s`).join('\n')
    const { origin, restart } = await scenario.haproxy(`${vite.host}:${vite.port}`, timeouts)
    const looping = await check(`${origin}/`, '--idle', IDLE_S)
    expect(looping.code).toBe(1)
    expect(looping.json.findings.map((finding) => finding.cause)).toEqual(['idle-timeout'])
    await restart(
      `${timeouts}\n${printedBlock(looping.output, 'HAProxy, in the defaults section (or the backend that proxies Vite)')}`,
    )
    expect((await check(`${origin}/`, '--idle', IDLE_S)).code).toBe(0)
  })

  test('a Host Vite refuses: the name from its 403, as the plugin says it', async () => {
    const vite = await scenario.vite()
    const { origin } = await scenario.nginx({
      upstream: `${vite.host}:${vite.port}`,
      http: WEBSOCKET_MAP,
      location: `${UPGRADE_HEADERS}\nproxy_set_header Host app.test;`,
    })
    const refused = await check(`${origin}/`)
    expect(refused.code).toBe(1)
    expect(refused.output).toContain(
      `[hmr-doctor] Vite's host check refuses "app.test": every page through the proxy gets 403`,
    )
    await expectPluginAgrees(
      vite,
      `${origin}/`,
      `[hmr-doctor] Vite's host check refuses "app.test": every page through the proxy gets 403`,
      refused.output,
    )
  })

  test('a proxy_pass that drops the query: named as the plugin names it; the printed proxy_pass fixes it', async () => {
    const vite = await scenario.vite()
    const upstream = `${vite.host}:${vite.port}`
    const body = `proxy_pass http://${upstream}$uri;\n${UPGRADE_HEADERS}`
    const { nginx, origin, site } = await scenario.nginx({ upstream, http: WEBSOCKET_MAP, locationBody: body })
    const broken = await check(`${origin}/`)
    expect(broken.code).toBe(1)
    expect(broken.output).toContain('[hmr-doctor] nginx drops the query string')
    await expectPluginAgrees(vite, `${origin}/`, '[hmr-doctor] nginx drops the query string', broken.output)
    const fix = printedBlock(broken.output, 'nginx, in the location {} that proxies Vite, replacing its proxy_pass')
    await nginx.restart(nginxConfig({ ...site, locationBody: pasteReplacingDirectives(body, fix) }))
    expect((await check(`${origin}/`)).code).toBe(0)
  })

  test('Apache with a bare ProxyPass: named as Apache; the printed ProxyPass makes check exit 0', async () => {
    const vite = await scenario.vite()
    const upstream = `http://${vite.host}:${vite.port}/`
    const virtualHost = `ProxyPass / ${upstream}\nProxyPassReverse / ${upstream}`
    const { origin, restart } = await scenario.apache(virtualHost)
    const broken = await check(`${origin}/`)
    expect(broken.code).toBe(1)
    expect(broken.output).toContain(
      '[hmr-doctor] Apache drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.',
    )
    await expectPluginAgrees(
      vite,
      `${origin}/`,
      '[hmr-doctor] Apache drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.',
      broken.output,
    )
    const fix = printedBlock(
      broken.output,
      'Apache, in the <VirtualHost> that proxies Vite, replacing its ProxyPass for /',
    )
    await restart(pasteReplacingDirectives(virtualHost, fix))
    expect((await check(`${origin}/`)).code).toBe(0)
  })

  test("the seed's 426: Vite's socket server named as the plugin names it; the printed location makes check exit 0", async () => {
    const hmrPort = await freePort()
    const port = await freePort(PROXY_HOST)
    const vite = await scenario.vite({
      configFile: `import { defineConfig } from 'vite'\n\nexport default defineConfig({ server: { ${socketOptionsKey()}: { port: ${hmrPort}, clientPort: ${port}, path: 'hmr' } } })\n`,
    })
    const hmrRoute = `location /hmr {\n    proxy_pass http://127.0.0.1:${hmrPort};\n}`
    const { nginx, origin, site } = await scenario.nginx(
      { upstream: `${vite.host}:${vite.port}`, http: WEBSOCKET_MAP, location: UPGRADE_HEADERS, server: hmrRoute },
      { port },
    )
    const broken = await check(`${origin}/`)
    expect(broken.code).toBe(1)
    const summary = `[hmr-doctor] nginx drops the WebSocket upgrade: the HMR handshake reaches Vite's socket server (port ${hmrPort}) as a plain request, and it answers 426 Upgrade Required.`
    expect(broken.output).toContain(summary)
    await expectPluginAgrees(vite, `${origin}/`, summary, broken.output)
    const location = printedBlock(broken.output, NGINX_SERVER)
    expect(location).toContain(`proxy_pass http://127.0.0.1:${hmrPort};`)
    await nginx.restart(nginxConfig({ ...site, server: `${location}\n${hmrRoute}` }))
    expect((await check(`${origin}/`)).code).toBe(0)
  })

  test("base '/' behind a prefix-stripping location: the plugin describes it, the check fixes it; the printed base and proxy_pass make check exit 0", async () => {
    const vite = await scenario.vite()
    const { nginx, origin, site, body } = await prefixStrippingNginx(vite)
    const broken = await check(`${origin}/app/`)
    expect(broken.code).toBe(1)
    const summary =
      '[hmr-doctor] nginx strips /app/ before Vite sees it: Vite serves the page, but its client never reaches Vite, so no HMR.'
    expect(broken.output).toContain(summary)
    // The plugin has only the page's report, which any page can send: it describes the prefix and points here.
    await expectPluginAgrees(
      vite,
      `${origin}/app/`,
      `[hmr-doctor] Vite served the page at ${origin}/app/, but Vite's client never ran in it: no HMR. A proxy (nginx, by the marks on the report) seems to strip /app/ before Vite sees it.`,
      broken.output,
    )
    // nginx answers the client's URL itself (outside /app/, no route to Vite); under /app/ Vite serves it.
    expect(broken.json.hops.map((hop) => [hop.step, hop.kind, hop.server?.split('/')[0] ?? null])).toEqual([
      ['page', 'vite-page', 'nginx'],
      ['client', 'other', 'nginx'],
      ['client', null, null],
    ])

    const { configFile, files } = configWithPrintedFix(
      'export default defineConfig({})',
      printedBlock(broken.output, 'vite.config, merged into your config'),
    )
    await vite.stop()
    await scenario.vite({ configFile, files, port: vite.port })
    const proxyPass = printedBlock(
      broken.output,
      'nginx, in the location {} that proxies Vite, replacing its proxy_pass',
    )
    await nginx.restart(nginxConfig({ ...site, locationBody: pasteReplacingDirectives(body, proxyPass) }))
    expect((await check(`${origin}/app/`)).code).toBe(0)
  })

  test("a location that strips base '/app/': Vite's redirect loop named as the plugin names it; the printed proxy_pass makes check exit 0", async () => {
    const vite = await scenario.vite({ config: { base: '/app/' } })
    const { nginx, origin, site, body, upstream } = await prefixStrippingNginx(vite)
    const broken = await check(`${origin}/app/`)
    expect(broken.code).toBe(1)
    expect(broken.output).toContain('[hmr-doctor] nginx strips the path prefix: Vite serves under /app/')
    expect(broken.output).toContain('back to the same URL')
    const proxyPass = printedBlock(
      broken.output,
      'nginx, in the location {} that proxies Vite, replacing its proxy_pass',
    )
    expect(proxyPass).toContain(`proxy_pass http://${upstream};`)
    await nginx.restart(nginxConfig({ ...site, locationBody: pasteReplacingDirectives(body, proxyPass) }))
    expect((await check(`${origin}/app/`)).code).toBe(0)
  })

  test('a page the backend renders, Vite behind a bare nginx: the dropped upgrade named as the plugin names it; its fix makes check exit 0', async () => {
    const nginxPort = await freePort(PROXY_HOST)
    const viteOrigin = `http://${PROXY_HOST}:${nginxPort}`
    const backend = await backendPage(scenario, viteOrigin)
    const vite = await scenario.vite({ config: { server: { origin: viteOrigin, cors: { origin: backend } } } })
    const { nginx, site } = await scenario.nginx({ upstream: `${vite.host}:${vite.port}` }, { port: nginxPort })
    const broken = await check(`${backend}/`)
    expect(broken.code).toBe(1)
    expect(broken.json.findings.map((finding) => finding.cause)).toEqual(['upgrade-stripped'])
    expect(broken.json.hops.find((hop) => hop.step === 'socket')).toMatchObject({ kind: 'vite-page' })
    await expectPluginAgrees(vite, `${backend}/`, BARE_NGINX, broken.output)
    await nginx.restart(nginxConfig(withUpgradeFix(site, broken.output)))
    expect((await check(`${backend}/`)).code).toBe(0)
  })

  test("Caddy's plain reverse_proxy: healthy, exit 0", async () => {
    const vite = await scenario.vite()
    const { origin } = await scenario.caddy(`${vite.host}:${vite.port}`)
    const healthy = await check(`${origin}/`)
    expect(healthy.json.hops.find((hop) => hop.step === 'socket')?.result).toBe('opened')
    expect(healthy.code).toBe(0)
  })
})

describe('hmr-doctor check through TLS at nginx', () => {
  let certificate: Certificate
  beforeAll(() => {
    certificate = selfSignedCertificate(PROXY_NAME)
  })
  afterAll(() => certificate?.remove())

  test('an untrusted certificate: exit 2 and one line; --insecure checks it, and wss through nginx is healthy', async () => {
    const vite = await scenario.vite()
    const { origin } = await scenario.nginx(
      {
        upstream: `${vite.host}:${vite.port}`,
        http: WEBSOCKET_MAP,
        server: `ssl_certificate ${certificate.certFile};\nssl_certificate_key ${certificate.keyFile};`,
        location: UPGRADE_HEADERS,
      },
      { ssl: true },
    )
    const refused = await runCli(['check', `${origin}/`])
    expect(refused.code).toBe(2)
    expect(refused.stderr.trim().split('\n')).toHaveLength(1)
    expect(refused.stderr).toContain('--insecure')
    const healthy = await check(`${origin}/`, '--insecure')
    expect(healthy.json.hops.find((hop) => hop.step === 'socket')?.result).toBe('opened')
    expect(healthy.code).toBe(0)
  })

  test("clientPort set to Vite's own port: the socket that misses nginx is named; the printed clientPort makes check exit 0", async () => {
    const port = await freePort()
    const user = `export default defineConfig({ server: { ${socketOptionsKey()}: { clientPort: ${port} } } })`
    const first = await scenario.vite({ configFile: `import { defineConfig } from 'vite'\n\n${user}\n`, port })
    const { origin } = await scenario.nginx(
      {
        upstream: `${first.host}:${first.port}`,
        http: WEBSOCKET_MAP,
        server: `ssl_certificate ${certificate.certFile};\nssl_certificate_key ${certificate.keyFile};`,
        location: UPGRADE_HEADERS,
      },
      { ssl: true },
    )
    const broken = await check(`${origin}/`, '--insecure')
    expect(broken.code).toBe(1)
    expect(broken.output).toContain(`[hmr-doctor] The browser dials the HMR socket at wss://${PROXY_HOST}:${port}/`)
    const { configFile, files } = configWithPrintedFix(
      user,
      printedBlock(broken.output, 'vite.config, merged into your config'),
    )
    expect(files['fix.config.ts']).toContain(`clientPort: ${new URL(origin).port},`)
    await first.stop()
    await scenario.vite({ configFile, files, port })
    expect((await check(`${origin}/`, '--insecure')).code).toBe(0)
  })
})

describe('hmr-doctor check, input it cannot check', () => {
  test.each([
    ['an invalid URL', ['check', 'not a url'], 'is not a URL'],
    ['no URL', ['check'], 'needs the URL'],
    ['an unknown option', ['check', 'http://127.0.0.1/', '--bogus'], "Unknown option '--bogus'"],
    ['a bad --idle', ['check', 'http://127.0.0.1/', '--idle', 'soon'], '--idle takes a number of seconds'],
  ])('%s: exit 2 and one line', async (_name, args, message) => {
    const run = await runCli(args)
    expect(run.code).toBe(2)
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining(message)])
  })

  test('nothing listening, and a page on another port that is not Vite: exit 2 and one line each', async () => {
    const closed = await freePort()
    const nothing = await runCli(['check', `http://127.0.0.1:${closed}/`])
    expect(nothing.code).toBe(2)
    expect(nothing.stderr.trim()).toBe(
      `[hmr-doctor] could not check: nothing is listening at 127.0.0.1:${closed} (connection refused)`,
    )

    const other = createServer((_request, response) => response.end('<!doctype html><p>not a dev server</p>'))
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
    scenario.defer(() => new Promise((resolve) => other.close(resolve)))
    const { port } = other.address() as AddressInfo
    const notVite = await runCli(['check', `http://127.0.0.1:${port}/`])
    expect(notVite.code).toBe(2)
    expect(notVite.stderr.trim().split('\n')).toEqual([expect.stringContaining('no Vite client')])
    const json = cliJson(await runCli(['check', `http://127.0.0.1:${port}/`, '--json']))
    // The error still names the URL it was asked to check, as the URL parsed.
    expect(json).toMatchObject({ url: `http://127.0.0.1:${port}/`, result: 'error', exitCode: 2, findings: [] })
  })

  test('help at both levels and the version, exit 0', async () => {
    const top = await runCli(['--help'])
    expect(top.stdout).toMatch(/^Usage: vite-plugin-hmr-doctor <command> \[options\]\n {7}hmr-doctor <command>/)
    const sub = await runCli(['check', '--help'])
    expect(sub.stdout).toContain('Usage: vite-plugin-hmr-doctor check <url>')
    const version = await runCli(['--version'])
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/)
    expect([top.code, sub.code, version.code]).toEqual([0, 0, 0])
  })
})

describe('hmr-doctor check, told where the client is and which origin the page has', () => {
  const CORS_BLOCKED = 'blocked by CORS policy'

  test("a page that doesn't name its client: exit 2 pointing at --client; --client finds it, as the browser does", async () => {
    const vitePort = await freePort()
    const viteOrigin = `http://127.0.0.1:${vitePort}`
    const backend = await backendPage(scenario, viteOrigin, { tagged: false })
    const vite = await scenario.vite({ port: vitePort, config: { server: { cors: { origin: backend } } } })

    const hidden = await runCli(['check', `${backend}/`, '--timeout', '30'])
    expect(hidden.code).toBe(2)
    expect(hidden.stderr.trim().split('\n')).toEqual([expect.stringContaining('pass --client <url>')])

    const wrong = await runCli(['check', `${backend}/`, '--client', `${backend}/`, '--timeout', '30'])
    expect(wrong.code).toBe(2)
    expect(wrong.stderr.trim()).toBe(`[hmr-doctor] could not check: --client ${backend}/ is not Vite's client`)

    const found = await check(`${backend}/`, '--client', `${viteOrigin}/@vite/client`)
    expect(found.json.hops.find((hop) => hop.step === 'client')).toMatchObject({ kind: 'vite-client' })
    expect(found.json.hops.find((hop) => hop.step === 'socket')?.result).toBe('opened')
    expect(found.code).toBe(0)
    await expectHmrApplies(await openPage(await scenario.context('direct'), `${backend}/`), vite)
  })

  test("--origin: an origin Vite's CORS refuses is named, as a browser there fails; one it allows checks healthy", async () => {
    const vitePort = await freePort()
    const viteOrigin = `http://127.0.0.1:${vitePort}`
    const allowed = await backendPage(scenario, viteOrigin)
    const refused = await backendPage(scenario, viteOrigin)
    const config = (origins: string[]) => ({ port: vitePort, config: { server: { cors: { origin: origins } } } })
    const vite = await scenario.vite(config([allowed]))

    const accepted = await check(`${viteOrigin}/`, '--origin', allowed)
    expect(accepted.json.hops.find((hop) => hop.step === 'socket')?.result).toBe('opened')
    expect(accepted.code).toBe(0)
    await expectHmrApplies(await openPage(await scenario.context('direct'), `${allowed}/`), vite)

    const summary = `[hmr-doctor] Vite's CORS policy refuses pages on ${refused}: a browser there never runs Vite's client, so no HMR.`
    const blocked = await check(`${viteOrigin}/`, '--origin', refused)
    expect(blocked.code).toBe(1)
    expect(blocked.output).toContain(summary)
    expect(blocked.json.findings.map((finding) => finding.cause)).toEqual(['client-cors-refused'])
    expect(blocked.json.hops.some((hop) => hop.step === 'socket')).toBe(false)
    // The same page, opened from the refused origin, gets no further in a browser.
    const browser = await openPage(await scenario.context('direct'), `${refused}/`)
    await waitFor('the browser to refuse the client', () =>
      browser.console.some((line) => line.includes(`${viteOrigin}/@vite/client`) && line.includes(CORS_BLOCKED)),
    )
    expect(browser.console.some((line) => line.includes('[vite] connected.'))).toBe(false)
    // The page itself from that origin says the same as --origin.
    expect((await check(`${refused}/`)).output).toContain(summary)

    // What the note says to do, done: the origin added to server.cors.origin.
    await vite.stop()
    const widened = await scenario.vite(config([allowed, refused]))
    expect((await check(`${viteOrigin}/`, '--origin', refused)).code).toBe(0)
    await expectHmrApplies(await openPage(await scenario.context('direct'), `${refused}/`), widened)
  })
})

describe('hmr-doctor check on a terminal and off one', () => {
  const ESCAPE = '\u001b['
  /** The progress line and what erases it before the result: the line, a carriage return, erase-line. */
  const progress = (url: string) => `[hmr-doctor] checking ${url}…\r\u001b[2K`

  test('a TTY shows the progress line, then the result in colour; NO_COLOR keeps the progress and drops the colour', async () => {
    const vite = await scenario.vite()
    const url = `http://${vite.host}:${vite.port}/`
    const coloured = await runCliInTerminal(['check', url], { NO_COLOR: undefined })
    expect(coloured.code).toBe(0)
    expect(coloured.output.startsWith(progress(url))).toBe(true)
    expect(coloured.output).toContain(`\u001b[32m[hmr-doctor]\u001b[39m HMR works through ${url}`)

    const plain = await runCliInTerminal(['check', url], { NO_COLOR: '1' })
    expect(plain.code).toBe(0)
    expect(plain.output.startsWith(progress(url))).toBe(true)
    expect(plain.output.slice(progress(url).length)).not.toContain(ESCAPE)
    expect(plain.output).toContain(`[hmr-doctor] HMR works through ${url}`)

    // --json on a terminal: the JSON alone, no progress line around it.
    const json = await runCliInTerminal(['check', url, '--json'], { NO_COLOR: undefined })
    expect(json.output).not.toContain(ESCAPE)
    expect(JSON.parse(json.output)).toMatchObject({ result: 'healthy', exitCode: 0 })
  })

  test('off a terminal: no progress line and no colour, with or without NO_COLOR', async () => {
    const vite = await scenario.vite()
    const url = `http://${vite.host}:${vite.port}/`
    const closed = `http://127.0.0.1:${await freePort()}/`
    for (const env of [{ NO_COLOR: undefined }, { NO_COLOR: '1' }]) {
      const healthy = await runCli(['check', url], { env })
      expect(healthy.code).toBe(0)
      expect(healthy.stderr).toBe('')
      expect(healthy.stdout.startsWith(`[hmr-doctor] checked ${url}\n`)).toBe(true)
      expect(healthy.stdout).not.toContain(ESCAPE)
      const refused = await runCli(['check', closed], { env })
      expect(refused.stderr).toBe(
        `[hmr-doctor] could not check: nothing is listening at ${new URL(closed).host} (connection refused)\n`,
      )
    }
  })

  test('an error on a terminal: one line in red, and without colour under NO_COLOR', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/`
    const line = `could not check: nothing is listening at ${new URL(closed).host} (connection refused)`
    const red = await runCliInTerminal(['check', closed], { NO_COLOR: undefined })
    expect(red.code).toBe(2)
    expect(red.output).toBe(`${progress(closed)}\u001b[31m[hmr-doctor]\u001b[39m ${line}\r\n`)
    const plain = await runCliInTerminal(['check', closed], { NO_COLOR: '1' })
    expect(plain.output).toBe(`${progress(closed)}[hmr-doctor] ${line}\r\n`)
  })
})

describe('hmr-doctor check --project, run in the project folder', () => {
  /** Vite whose client names only the proxy's port (`clientPort`), behind a bare nginx on that port. */
  async function clientPortBehindBareNginx() {
    const port = await freePort(PROXY_HOST)
    const vite = await scenario.vite({
      configFile: `import { defineConfig } from 'vite'\n\nexport default defineConfig({ server: { ${socketOptionsKey()}: { clientPort: ${port} } } })\n`,
    })
    return { vite, ...(await scenario.nginx({ upstream: `${vite.host}:${vite.port}` }, { port })) }
  }

  test("a failure: the fixes rest on Vite's resolved config, said so, nothing assumed; they make check exit 0", async () => {
    const { vite, nginx, origin, site } = await clientPortBehindBareNginx()
    const guessed = await runCli(['check', `${origin}/`], { cwd: vite.root })
    expect(guessed.stdout).toContain(`the client's HMR port ${new URL(origin).port} is taken as server.hmr.port`)

    const text = await runCli(['check', `${origin}/`, '--project'], { cwd: vite.root })
    const json = cliJson(await runCli(['check', `${origin}/`, '--project', '--json'], { cwd: vite.root }))
    expect(text.code).toBe(1)
    expect(text.stdout).toContain(BARE_NGINX)
    expect(text.stdout).toContain(`Vite's settings come from ${vite.root}/vite.config.ts (Vite `)
    expect(text.stdout).not.toContain('assumed:')
    expect(json).toMatchObject({
      exitCode: 1,
      assumed: [],
      notes: [expect.stringContaining(`${vite.root}/vite.config.ts`)],
    })

    await nginx.restart(nginxConfig(withUpgradeFix(site, text.stdout)))
    expect((await runCli(['check', `${origin}/`, '--project'], { cwd: vite.root })).code).toBe(0)
  })

  test("a config that is not the checked server's is named and not used", async () => {
    const { vite, origin } = await clientPortBehindBareNginx()
    const other = copyFixtureApp({ configFile: "export default { base: '/other/' }\n" })
    const run = await runCli(['check', `${origin}/`, '--project'], { cwd: other })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(
      `${other}/vite.config.ts is not the config of the server checked (its base is /other/, the server's /): its settings are not used.`,
    )
    expect(run.stdout).toContain(`Vite listens on ${vite.host}:${vite.port}, as its client names it.`)
  })

  test('read only for a failure: a healthy check never loads it; no vite.config here is exit 2 and one line', async () => {
    const vite = await scenario.vite()
    const throwing = copyFixtureApp({ configFile: "throw new Error('the config was loaded')\n" })
    const healthy = await runCli(['check', `http://${vite.host}:${vite.port}/`, '--project'], { cwd: throwing })
    expect(healthy.code).toBe(0)

    const { origin } = await clientPortBehindBareNginx()
    const broken = await runCli(['check', `${origin}/`, '--project'], { cwd: throwing })
    expect(broken.code).toBe(2)
    expect(broken.stderr.trim().split('\n')).toEqual([
      `[hmr-doctor] could not check: --project: Vite could not load ${throwing}/vite.config.ts: the config was loaded`,
    ])

    const bare = await runCli(['check', `${origin}/`, '--project'], { cwd: vite.root.replace(/\/[^/]+$/, '') })
    expect(bare.code).toBe(2)
    expect(bare.stderr).toContain('--project: no vite.config in')
  })
})
