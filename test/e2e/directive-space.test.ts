import { afterAll, describe, expect, test } from 'vitest'
import { timing } from '../../packages/plugin/src/shared/timing.js'
import {
  BROWSER_MODES,
  dialHmr,
  expectHmrApplies,
  expectSilence,
  freePort,
  nginxConfig,
  openPage,
  PROXY_HOST,
  printedBlocks,
  type RunningVite,
} from '../harness/index.js'
import { UPGRADE_HEADERS, useScenario, WEBSOCKET_MAP } from '../harness/scenario.js'

/**
 * The nginx directives that decide whether an HMR handshake survives the hop, every combination of them:
 * nginx's default HTTP version or 1.1; no Upgrade header, the browser's, or a constant; no Connection
 * header (nginx then sends `close`), an empty one, `upgrade`, the usual map's variable, `close`,
 * `keep-alive`; the socket on Vite's own port, or on a separate HMR port behind its own location.
 */
const VERSIONS = [null, '1.1'] as const
const UPGRADES = [null, '$http_upgrade', 'websocket'] as const
const CONNECTIONS = [null, '""', 'upgrade', '$connection_upgrade', 'close', 'keep-alive'] as const
const PORTS = ['own', 'separate'] as const

interface Combination {
  version: (typeof VERSIONS)[number]
  upgrade: (typeof UPGRADES)[number]
  connection: (typeof CONNECTIONS)[number]
  port: (typeof PORTS)[number]
}

const SPACE: Combination[] = PORTS.flatMap((port) =>
  VERSIONS.flatMap((version) =>
    UPGRADES.flatMap((upgrade) => CONNECTIONS.map((connection) => ({ version, upgrade, connection, port }))),
  ),
)

function directives({ version, upgrade, connection }: Combination): string {
  return [
    version && `proxy_http_version ${version};`,
    upgrade && `proxy_set_header Upgrade ${upgrade};`,
    connection && `proxy_set_header Connection ${connection};`,
  ]
    .filter(Boolean)
    .join('\n')
}

function label(combination: Combination): string {
  const { version, upgrade, connection, port } = combination
  return `http ${version ?? 'default'}, Upgrade ${upgrade ?? 'absent'}, Connection ${connection ?? 'absent'}, ${port} port`
}

const scenario = useScenario()

/**
 * HTTP/1.1 with its Connection cleared and nothing set before Host: the one shape in which nginx leaves no
 * mark on the request. Only the page's own probe of the socket URL (`Server: nginx/…`) names it.
 */
function unmarked({ version, upgrade, connection }: Combination): boolean {
  return version === '1.1' && upgrade === null && connection === '""'
}

/** Vite and nginx with the combination in the socket's location; the socket's URL through nginx. */
async function setUp(combination: Combination) {
  const port = await freePort(PROXY_HOST)
  const origin = `http://${PROXY_HOST}:${port}`
  if (combination.port === 'own') {
    const vite = await scenario.vite()
    const site = {
      upstream: `${vite.host}:${vite.port}`,
      http: WEBSOCKET_MAP,
      location: directives(combination),
      server: '',
    }
    const { nginx } = await scenario.nginx(site, { port })
    return { vite, nginx, site: { ...site, listen: `${PROXY_HOST}:${port}` }, origin, socketUrl: `${origin}/` }
  }
  const hmrPort = await freePort()
  const vite = await scenario.vite({
    configFile: `import { defineConfig } from 'vite'

export default defineConfig({ server: { ws: { port: ${hmrPort}, clientPort: ${port}, path: 'hmr' } } })
`,
  })
  const route = `location /hmr {\n    proxy_pass http://127.0.0.1:${hmrPort};\n${directives(combination).replace(/^/gm, '    ')}\n}`
  const site = { upstream: `${vite.host}:${vite.port}`, http: WEBSOCKET_MAP, location: UPGRADE_HEADERS, server: route }
  const { nginx } = await scenario.nginx(site, { port })
  return { vite, nginx, site: { ...site, listen: `${PROXY_HOST}:${port}` }, origin, socketUrl: `${origin}/hmr` }
}

function tokenOf(vite: RunningVite): string {
  const token = (vite.server.config as { webSocketToken?: string }).webSocketToken
  if (!token) throw new Error('this Vite issues no token')
  return token
}

describe('every combination of the directives that matter, dialled as Vite’s client dials', () => {
  const working: string[] = []
  afterAll(() => {
    console.log(`[directive space] ${working.length} of ${SPACE.length} work as they are:\n  ${working.join('\n  ')}`)
  })

  test.each(SPACE.map((combination) => ({ name: label(combination), combination })))(
    '$name',
    async ({ combination }) => {
      const { vite, nginx, site, origin, socketUrl } = await setUp(combination)
      const token = tokenOf(vite)
      const first = await dialHmr(socketUrl, { origin, token })
      if (first.opened) {
        working.push(label(combination))
        expect(first.firstMessage).toBe('{"type":"connected"}')
        // Nothing is pending after a socket that opened; a finding would settle within this window.
        await new Promise((resolve) => setTimeout(resolve, timing.fallbackSettleMs))
        expect(vite.logger.text()).not.toContain('[hmr-doctor]')
        return
      }
      // Vite's client retries straight at Vite when no port is configured; a browser on this machine gets through.
      if (combination.port === 'own') await dialHmr(`http://${vite.host}:${vite.port}/`, { origin, token })
      const output = await scenario.diagnosis(vite, '[hmr-doctor]')
      const blocks = printedBlocks(output)
      if (unmarked(combination)) {
        // nginx left no mark on this request, so a dialler that sends no report gets the words, not lines.
        expect(output).toContain('Make the proxy pass the Upgrade and Connection headers on to Vite')
        expect([...blocks.keys()]).toEqual([])
        return
      }
      const http = blocks.get('nginx, inside http {}')
      const server = blocks.get('nginx, inside the server {} that proxies Vite')
      expect({ output, http, server }).toMatchObject({ http: expect.any(String), server: expect.any(String) })
      await nginx.restart(nginxConfig({ ...site, http: http ?? '', server: `${server}\n${site.server ?? ''}` }))
      const fixed = await dialHmr(socketUrl, { origin, token })
      expect(fixed).toEqual({ opened: true, status: 101, firstMessage: '{"type":"connected"}' })
    },
    30_000,
  )
})

/** A sample of the space in a real browser: diagnosed from the page, fixed verbatim; one that works. */
describe.each(BROWSER_MODES)('a sample in Chromium, %s browser', (mode) => {
  test.each<{ name: string; combination: Combination; summary: string }>([
    {
      name: 'HTTP/1.1, a constant Upgrade, Connection keep-alive, separate port',
      combination: { version: '1.1', upgrade: 'websocket', connection: 'keep-alive', port: 'separate' },
      summary: 'answers 426 Upgrade Required',
    },
    {
      // No mark on the request: the page's probe of the socket URL (Server: nginx/…) names nginx.
      name: 'HTTP/1.1 with Connection "", own port',
      combination: { version: '1.1', upgrade: null, connection: '""', port: 'own' },
      summary: '[hmr-doctor] nginx drops the WebSocket upgrade',
    },
  ])('$name: diagnosed, fixed verbatim', async ({ combination, summary }) => {
    const { vite, nginx, site, origin } = await setUp(combination)
    const context = await scenario.context(mode)
    await openPage(context, `${origin}/`)
    const output = await scenario.diagnosis(vite, summary)
    const blocks = printedBlocks(output)
    await nginx.restart(
      nginxConfig({
        ...site,
        http: blocks.get('nginx, inside http {}') ?? '',
        server: `${blocks.get('nginx, inside the server {} that proxies Vite')}\n${site.server}`,
      }),
    )
    const fixed = await openPage(context, `${origin}/`)
    await expectHmrApplies(fixed, vite)
  })

  test("nginx's default HTTP/1.0 with the upgrade headers works: silent", async () => {
    const combination: Combination = { version: null, upgrade: '$http_upgrade', connection: 'upgrade', port: 'own' }
    const { vite, origin } = await setUp(combination)
    const context = await scenario.context(mode)
    const page = await openPage(context, `${origin}/`)
    await expectHmrApplies(page, vite)
    await expectSilence(vite, page)
  })
})
