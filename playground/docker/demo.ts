/**
 * `npm run demo -- --docker`: the story of demo.ts with Vite and nginx in containers, nginx dialling Vite by
 * its service name as compose does. Headless: Chromium opens the page through nginx, the doctor's diagnosis
 * comes from the Vite container's log, the printed lines are pasted into nginx's config, and an edit must
 * reach the page without a reload. Exits non-zero when any step fails.
 *
 * On an engine with a bridge it runs docker/compose.yaml as users do; on one without (the daemon this demo
 * starts on a bare Debian machine), docker/compose.host.yaml: host networking only, images built here.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  expectHmrApplies,
  freePort,
  launchBrowser,
  localizeDockerConf,
  newContext,
  openPage,
  pasteNginxHostFix,
  portOpen,
  printedBlocks,
  waitFor,
} from '../kit/index.ts'
import { done, playground, runStory, step } from '../story.ts'
import { type Compose, extraNetworks, interfaces, openCompose } from './compose.ts'
import { type Engine, openEngine } from './engine.ts'
import { demoImage } from './images.ts'

const dockerDir = new URL('../../docker/', import.meta.url)
const messageFile = new URL('src/message.ts', playground)
const REFUSED = `[hmr-doctor] Vite's host check refuses "vite", the name nginx dials Vite by`
const LOOPBACK = '127.0.0.1'

/** What one layout gives the story: where the page is, and how to put the fixed config in place. */
interface Layout {
  url: string
  /** Reachable by the browser: nginx's `host:port`, nothing else. */
  only: string
  broken: string
  compose: Compose
  applyFixed(fixed: string): Promise<void>
}

/** The doctor's message as Vite printed it: from its first line to the reload line. */
function message(log: string): string {
  const start = log.lastIndexOf(REFUSED)
  const end = log.indexOf('nginx -s reload', start)
  return log.slice(start, end === -1 ? undefined : end + 'nginx -s reload'.length)
}

/** docker/compose.host.yaml on free loopback ports, broken.conf's `vite:5173` kept as `vite:<port>`. */
async function hostLayout(engine: Engine, cleanup: Array<() => unknown>): Promise<Layout> {
  step('This engine has no bridge: running docker/compose.host.yaml (every service on the host network)')
  const image = demoImage(engine)
  const vitePort = await freePort(LOOPBACK)
  const nginxPort = await freePort(LOOPBACK)
  const local = { listen: `${LOOPBACK}:${nginxPort}`, upstream: `vite:${vitePort}` }
  const confDir = mkdtempSync(join(tmpdir(), 'hmr-doctor-nginx-conf-'))
  cleanup.push(() => rmSync(confDir, { recursive: true, force: true }))
  const broken = readFileSync(new URL('nginx/broken.conf', dockerDir), 'utf8')
  const writeConf = (conf: string) => writeFileSync(join(confDir, 'default.conf'), localizeDockerConf(conf, local))
  writeConf(broken)
  const compose = openCompose(engine, new URL('compose.host.yaml', dockerDir).pathname, {
    HMR_DOCTOR_IMAGE: image,
    HMR_DOCTOR_VITE_PORT: String(vitePort),
    HMR_DOCTOR_NGINX_CONF_DIR: confDir,
  })
  step(`Vite (port ${vitePort}) and nginx with docker/nginx/broken.conf (port ${nginxPort}) in containers`)
  cleanup.push(() => compose.down())
  compose.up([])
  await waitFor('Vite in its container', () => portOpen(LOOPBACK, vitePort), 120_000)
  await waitFor('nginx in its container', () => portOpen(LOOPBACK, nginxPort), 30_000)
  return {
    url: `http://${LOOPBACK}:${nginxPort}/`,
    only: `${LOOPBACK}:${nginxPort}`,
    broken,
    compose,
    async applyFixed(fixed) {
      writeConf(fixed)
      compose.restart('nginx')
      await waitFor('nginx in its container', () => portOpen(LOOPBACK, nginxPort), 30_000)
    },
  }
}

/** docker/compose.yaml as users run it: the published port 8080, fixed.conf in its own profile. */
async function bridgedLayout(engine: Engine, cleanup: Array<() => unknown>): Promise<Layout> {
  const compose = openCompose(engine, new URL('compose.yaml', dockerDir).pathname, {})
  step('Running docker/compose.yaml (profile broken): Vite installs the workspace in its container first')
  cleanup.push(() => compose.down())
  compose.up([], 'broken')
  await waitFor('nginx-broken on port 8080', () => portOpen('localhost', 8080), 600_000)
  return {
    url: 'http://localhost:8080/',
    only: 'localhost:8080',
    broken: readFileSync(new URL('nginx/broken.conf', dockerDir), 'utf8'),
    compose,
    async applyFixed(fixed) {
      if (fixed !== readFileSync(new URL('nginx/fixed.conf', dockerDir), 'utf8')) {
        throw new Error('The pasted lines differ from docker/nginx/fixed.conf')
      }
      compose.stop('nginx-broken')
      compose.up(['nginx-fixed'], 'fixed')
      await waitFor('nginx-fixed on port 8080', () => portOpen('localhost', 8080), 120_000)
    },
  }
}

async function story(cleanup: Array<() => unknown>): Promise<void> {
  const before = interfaces()
  const engine = await openEngine()
  let stopped = false
  const stopEngine = async () => {
    if (stopped) return
    stopped = true
    await engine.stop()
  }
  cleanup.push(stopEngine)
  const layout = engine.noBridge ? await hostLayout(engine, cleanup) : await bridgedLayout(engine, cleanup)
  if (engine.noBridge) {
    const networks = extraNetworks(engine)
    if (networks.length > 0) throw new Error(`The engine has networks besides host and none: ${networks.join(', ')}`)
  }

  const browser = await launchBrowser()
  cleanup.push(() => browser.close())
  // Only nginx is reachable, as for a browser outside the containers.
  const context = await newContext(browser, 'proxy-only', layout.only)
  step(`Chromium opens ${layout.url} (it can reach nginx, not Vite's own port)`)
  await openPage(context, layout.url)
  const log = await waitFor(
    "the doctor's diagnosis in the vite container's log",
    () => {
      const text = layout.compose.logs('vite')
      return text.includes(REFUSED) && text.includes('nginx -s reload', text.lastIndexOf(REFUSED)) && text
    },
    30_000,
  )
  done('The doctor names the refused service name in the vite container:')
  console.log(`\n${message(log)}`)

  step("Pasting the printed lines into nginx's config and restarting the nginx container")
  await layout.applyFixed(pasteNginxHostFix(layout.broken, printedBlocks(message(log))))

  step('Chromium reloads the page; the demo edits playground/src/message.ts')
  const page = await openPage(context, layout.url)
  await expectHmrApplies(
    page,
    {
      edit: (file, change) => {
        const path = new URL(file, playground)
        writeFileSync(path, change(readFileSync(path, 'utf8')))
      },
    },
    30_000,
  )
  done('HMR works through nginx in a container in front of Vite in a container: the edit arrived without a reload.')

  await browser.close()
  layout.compose.down()
  await stopEngine()
  if (engine.noBridge) {
    const added = interfaces().filter((name) => !before.includes(name))
    if (added.length > 0) throw new Error(`Network interfaces left behind: ${added.join(', ')}`)
    done('No bridge network and no new network interface left behind.')
  }
}

const original = readFileSync(messageFile, 'utf8')
await runStory(story, [() => writeFileSync(messageFile, original)])
