import { readdirSync, readFileSync } from 'node:fs'
import type { BrowserContext } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import {
  BROWSER_MODES,
  expectHmrApplies,
  freePort,
  hostNetworkViolation,
  localizeDockerConf,
  nginxShell,
  openPage,
  PROXY_HOST,
  pasteNginxHostFix,
  printedBlocks,
  startNginx,
  testNginxConfig,
} from '../harness/index.js'
import { useScenario } from '../harness/scenario.js'

const dockerDir = new URL('../../docker/', import.meta.url)
const read = (path: string) => readFileSync(new URL(path, dockerDir), 'utf8')
const withoutLeadingComments = (conf: string) => conf.replace(/^(#.*\n)+/, '')
const confs = readdirSync(new URL('nginx/', dockerDir)).filter((name) => name.endsWith('.conf'))

/** The compose service Vite runs as: nginx dials it by this name, and sends it as Host. */
const SERVICE = 'vite'
const REFUSED = `[hmr-doctor] Vite's host check refuses "${SERVICE}", the name nginx dials Vite by`

const scenario = useScenario()

test.each(confs)('docker/nginx/%s passes nginx -t', async (name) => {
  // A syntax check only: `vite` resolves inside compose's network, so this copy points at an address.
  const local = localizeDockerConf(read(`nginx/${name}`), { listen: '127.0.0.1:8080', upstream: '127.0.0.1:5173' })
  await expect(testNginxConfig(nginxShell(local))).resolves.toContain('test is successful')
})

/** The status of every response from `origin`, by path (the latest wins). */
function statusesFrom(context: BrowserContext, origin: string): Map<string, number> {
  const statuses = new Map<string, number>()
  context.on('response', (response) => {
    const url = new URL(response.url())
    if (url.origin === origin) statuses.set(url.pathname, response.status())
  })
  return statuses
}

describe.each(BROWSER_MODES)('the compose layout, nginx dialling Vite by its service name, %s browser', (mode) => {
  test("the doctor's printed fix, pasted verbatim, makes every request work, and fixed.conf is the result", async () => {
    const vite = await scenario.vite()
    const port = await freePort(PROXY_HOST)
    // Only the ports differ from compose (the suite takes free ones): nginx resolves `vite` and sends it as Host.
    const local = { listen: `${PROXY_HOST}:${port}`, upstream: `${SERVICE}:${vite.port}` }
    const broken = read('nginx/broken.conf')
    const nginx = await startNginx(
      nginxShell(localizeDockerConf(broken, local)),
      { host: PROXY_HOST, port },
      { hosts: { [SERVICE]: vite.host } },
    )
    scenario.defer(() => nginx.stop())
    const context = await scenario.context(mode)
    const origin = `http://${PROXY_HOST}:${port}`
    const statuses = statusesFrom(context, origin)

    await openPage(context, `${origin}/`)
    expect(statuses.get('/')).toBe(403)
    const output = await scenario.diagnosis(vite, REFUSED)
    expect(output).toContain(`seen: GET / with Host: ${SERVICE}:${vite.port}`)

    const fixed = pasteNginxHostFix(broken, printedBlocks(output))
    await nginx.restart(nginxShell(localizeDockerConf(fixed, local)))
    statuses.clear()
    const page = await openPage(context, `${origin}/`)
    await expectHmrApplies(page, vite)
    expect(Object.fromEntries(statuses)).toMatchObject({ '/': 200, '/@vite/client': 200, '/src/main.ts': 200 })
    for (const [path, status] of statuses) expect(status, path).toBeLessThan(400)
    expect(page.console.join('\n')).not.toMatch(
      /WebSocket connection to .* failed|Direct websocket connection fallback/,
    )
    expect(withoutLeadingComments(fixed)).toBe(withoutLeadingComments(read('nginx/fixed.conf')))
  })
})

test('compose.yaml is valid and wires the playground to both nginx configs', () => {
  const compose = parse(read('compose.yaml')) as {
    services: Record<string, { image: string; volumes?: string[]; ports?: string[]; profiles?: string[] }>
  }
  const services = compose.services
  expect(Object.keys(services).sort()).toEqual(['nginx-broken', 'nginx-fixed', 'vite'])
  expect(services.vite?.image).toMatch(/^node:20-bookworm$/)
  for (const [name, profile] of [
    ['nginx-broken', 'broken'],
    ['nginx-fixed', 'fixed'],
  ] as const) {
    const service = services[name]
    expect(service?.image).toMatch(/^nginx:1\.\d+$/)
    expect(service?.profiles).toEqual([profile])
    expect(service?.ports).toEqual(['8080:80'])
    const mount = service?.volumes?.[0]?.split(':')[0] ?? ''
    expect(read(mount)).toBe(read(`nginx/${profile}.conf`))
  }
})

test("compose.yaml keeps node_modules and pnpm's store out of the checkout", () => {
  const vite = (parse(read('compose.yaml')) as { services: Record<string, { volumes: string[]; environment: object }> })
    .services.vite
  expect(vite?.volumes).toEqual(['..:/repo', 'node_modules:/repo/node_modules', 'pnpm_store:/pnpm-store'])
  expect(vite?.environment).toMatchObject({ npm_config_store_dir: '/pnpm-store' })
})

describe('an engine without a bridge runs only compose files whose every service is on the host network', () => {
  test('compose.host.yaml passes', () => {
    expect(hostNetworkViolation(read('compose.host.yaml'))).toBeNull()
  })

  test.each([
    ['compose.yaml, as users run it', read('compose.yaml'), 'service "vite" lacks network_mode: host'],
    [
      'a service that publishes a port',
      'services:\n  a:\n    network_mode: host\n    ports: ["8080:80"]\n',
      'service "a" has ports:',
    ],
    ['a declared network', 'services:\n  a:\n    network_mode: host\nnetworks:\n  n: {}\n', 'it declares networks'],
    [
      'a name mapped beyond loopback',
      'services:\n  a:\n    network_mode: host\n    extra_hosts: ["vite:10.0.0.2"]\n',
      'service "a" maps a name to 10.0.0.2, outside 127.0.0.0/8 and ::1',
    ],
    [
      'a service on the default network',
      'services:\n  a:\n    image: x\n  b:\n    network_mode: host\n',
      'service "a" lacks network_mode: host',
    ],
    ['no services', 'services: {}\n', 'it has no services'],
  ])('%s is refused', (_name, text, reason) => {
    expect(hostNetworkViolation(text)).toBe(reason)
  })
})
