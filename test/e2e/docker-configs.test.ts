import { readdirSync, readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { parse } from 'yaml'
import {
  freePort,
  localizeDockerConf,
  nginxShell,
  openPage,
  PROXY_HOST,
  pasteNginxFix,
  printedBlocks,
  startNginx,
  testNginxConfig,
} from '../harness/index.js'
import { useScenario } from '../harness/scenario.js'

const dockerDir = new URL('../../docker/', import.meta.url)
const read = (path: string) => readFileSync(new URL(path, dockerDir), 'utf8')
const withoutLeadingComments = (conf: string) => conf.replace(/^(#.*\n)+/, '')
const confs = readdirSync(new URL('nginx/', dockerDir)).filter((name) => name.endsWith('.conf'))

const scenario = useScenario()

test.each(confs)('docker/nginx/%s passes nginx -t', async (name) => {
  // `vite` resolves only inside compose's network: the test copy points at a loopback address instead.
  const local = localizeDockerConf(read(`nginx/${name}`), { listen: '127.0.0.1:8080', upstream: '127.0.0.1:5173' })
  await expect(testNginxConfig(nginxShell(local))).resolves.toContain('test is successful')
})

test('fixed.conf is broken.conf with exactly the lines the doctor prints for it', async () => {
  const vite = await scenario.vite()
  const port = await freePort(PROXY_HOST)
  const local = { listen: `${PROXY_HOST}:${port}`, upstream: `${vite.host}:${vite.port}` }
  const broken = read('nginx/broken.conf')
  const nginx = await startNginx(nginxShell(localizeDockerConf(broken, local)), { host: PROXY_HOST, port })
  scenario.defer(() => nginx.stop())
  const context = await scenario.context('proxy-only')

  await openPage(context, `http://${PROXY_HOST}:${port}/`)
  const output = await scenario.diagnosis(vite, 'nginx, inside the server {} that proxies Vite')
  // The doctor names the upstream as nginx sent it; in compose that is `vite:5173`.
  const pasted = pasteNginxFix(broken, printedBlocks(output)).replaceAll(local.upstream, 'vite:5173')
  expect(withoutLeadingComments(pasted)).toBe(withoutLeadingComments(read('nginx/fixed.conf')))
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
