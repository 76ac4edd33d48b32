/**
 * The whole story in one run: the playground behind nginx with docker/nginx/broken.conf, the doctor's
 * diagnosis, the printed lines pasted into the config, nginx restarted, HMR working.
 *
 *   --headless     drive Chromium here and print each step; exits non-zero when a step fails
 *   --fix          paste the printed fix as soon as it is printed, without asking
 *   --docker       run docker/compose.yaml instead (needs a Docker engine)
 *   --vite-only    only the playground's Vite, for the compose file's `vite` service
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { createInterface } from 'node:readline/promises'
import { parseArgs, stripVTControlCharacters, styleText } from 'node:util'
import {
  expectHmrApplies,
  freePort,
  launchBrowser,
  localizeDockerConf,
  newContext,
  nginxShell,
  noticeText,
  openPage,
  PROXY_HOST,
  pasteNginxFix,
  printedBlocks,
  type RunningNginx,
  startNginx,
  waitFor,
} from 'hmr-doctor-e2e/harness'
import { createLogger, createServer, type Logger, type ViteDevServer } from 'vite'

const { values: flags } = parseArgs({
  options: {
    headless: { type: 'boolean', default: false },
    fix: { type: 'boolean', default: false },
    docker: { type: 'boolean', default: false },
    'vite-only': { type: 'boolean', default: false },
  },
})

const playground = new URL('./', import.meta.url)
const brokenConf = new URL('../docker/nginx/broken.conf', import.meta.url)
const messageFile = new URL('./src/message.ts', import.meta.url)

const step = (text: string) => console.log(`\n${styleText(['bold', 'cyan'], '▶')} ${styleText('bold', text)}`)
const done = (text: string) => console.log(`\n${styleText(['bold', 'green'], '✔')} ${styleText('bold', text)}`)

/** Vite's own terminal output, also kept so the printed fix can be read back exactly as the user sees it. */
function teeLogger(): Logger & { text(): string } {
  const logger = createLogger('info', { allowClearScreen: false })
  const seen: string[] = []
  const tee =
    (print: (msg: string, options?: object) => void) =>
    (msg: string, options?: object): void => {
      seen.push(stripVTControlCharacters(msg))
      print(msg, options)
    }
  return {
    ...logger,
    info: tee(logger.info),
    warn: tee(logger.warn),
    error: tee(logger.error),
    text: () => seen.join('\n'),
  }
}

async function startPlayground(host: string, port: number, logger: Logger): Promise<ViteDevServer> {
  const server = await createServer({
    root: playground.pathname,
    configFile: new URL('vite.config.ts', playground).pathname,
    customLogger: logger,
    clearScreen: false,
    server: { host, port, strictPort: true },
  })
  await server.listen()
  return server
}

function runDocker(): never {
  const compose = new URL('../docker/compose.yaml', import.meta.url).pathname
  if (spawnSync('docker', ['info'], { stdio: 'ignore' }).status !== 0) {
    console.error('No Docker engine answers here (docker info failed). Run the demo without --docker.')
    process.exit(1)
  }
  const profile = flags.fix ? 'fixed' : 'broken'
  const result = spawnSync('docker', ['compose', '-f', compose, '--profile', profile, 'up'], { stdio: 'inherit' })
  process.exit(result.status ?? 1)
}

async function main(): Promise<void> {
  if (flags.docker) runDocker()
  if (flags['vite-only']) {
    const server = await startPlayground(
      process.env.VITE_HOST ?? '0.0.0.0',
      Number(process.env.VITE_PORT ?? 5173),
      createLogger(),
    )
    server.printUrls()
    return
  }

  const original = readFileSync(messageFile, 'utf8')
  const cleanup: Array<() => Promise<unknown> | unknown> = [() => writeFileSync(messageFile, original)]
  const stop = async (code: number) => {
    for (const task of cleanup.reverse()) await task()
    process.exit(code)
  }
  process.once('SIGINT', () => void stop(130))
  process.once('SIGTERM', () => void stop(143))

  try {
    const logger = teeLogger()
    const viteHost = '127.0.0.1'
    // Headless, nginx gets an address of its own so the browser can be kept from reaching Vite directly.
    const proxyHost = flags.headless ? PROXY_HOST : '127.0.0.1'
    const vitePort = await freePort(viteHost)
    const proxyPort = await freePort(proxyHost)
    const local = { listen: `${proxyHost}:${proxyPort}`, upstream: `${viteHost}:${vitePort}` }
    const url = `http://${proxyHost}:${proxyPort}/`

    step(`Vite serves the playground on http://${viteHost}:${vitePort}/`)
    const server = await startPlayground(viteHost, vitePort, logger)
    cleanup.push(() => server.close())

    const broken = readFileSync(brokenConf, 'utf8')
    step(`nginx proxies it on ${url} with docker/nginx/broken.conf (a bare proxy_pass)`)
    const nginx = await startNginx(nginxShell(localizeDockerConf(broken, local)), { host: proxyHost, port: proxyPort })
    cleanup.push(() => nginx.stop())

    const applyFix = async (): Promise<void> => {
      const fixed = pasteNginxFix(broken, printedBlocks(logger.text()))
      step('Pasting the printed nginx lines into the config and restarting nginx')
      await nginx.restart(nginxShell(localizeDockerConf(fixed, local)))
    }

    if (flags.headless) await headless(url, logger, applyFix)
    else await interactive(url, logger, applyFix, nginx)
    await stop(0)
  } catch (error) {
    console.error(`\n${styleText(['bold', 'red'], '✖')} ${error instanceof Error ? error.message : String(error)}`)
    await stop(1)
  }
}

const DIAGNOSIS = '[hmr-doctor] nginx drops the WebSocket upgrade'

async function headless(url: string, logger: { text(): string }, applyFix: () => Promise<void>): Promise<void> {
  const browser = await launchBrowser()
  try {
    // Only nginx's address is reachable, as for a browser outside the container or on another machine.
    const context = await newContext(browser, 'proxy-only')
    step(`Chromium opens ${url} (it can reach nginx, not Vite's own port)`)
    const before = await openPage(context, url)
    await waitFor('the doctor to print its diagnosis', () => logger.text().includes(DIAGNOSIS), 15_000)
    const notice = await waitFor('the notice on the page', () => noticeText(before.page), 10_000)
    done(`The page shows the doctor's notice: "${notice.slice(0, notice.indexOf('.') + 1)}"`)
    await applyFix()
    step('Chromium reloads the page; the demo edits src/message.ts')
    const after = await openPage(context, url)
    await expectHmrApplies(after, {
      edit: (file, change) => {
        const path = new URL(file, playground)
        writeFileSync(path, change(readFileSync(path, 'utf8')))
      },
    })
    done('HMR works through nginx: the edit reached the page without a reload.')
  } finally {
    await browser.close()
  }
}

async function interactive(
  url: string,
  logger: { text(): string },
  applyFix: () => Promise<void>,
  nginx: RunningNginx,
): Promise<void> {
  step(`Open ${url} in a browser. The diagnosis appears here as soon as the page loads.`)
  console.log("  (This browser can also reach Vite's own port, so Vite's fallback may keep HMR alive: the doctor still")
  console.log('   names the broken proxy, which a browser in Docker or on another machine would hit.)')
  await waitFor('a browser to load the page', () => logger.text().includes(DIAGNOSIS), 24 * 60 * 60 * 1000)
  if (!flags.fix && process.stdin.isTTY) {
    const prompt = createInterface({ input: process.stdin, output: process.stdout })
    await prompt.question(`\n${styleText('bold', 'Press Enter to paste the printed nginx lines and restart nginx…')}`)
    prompt.close()
  }
  if (flags.fix || process.stdin.isTTY) {
    await applyFix()
    done(`nginx runs the fixed config (${nginx.dir}/nginx.conf). Reload the page, then edit playground/src/message.ts.`)
  }
  step('Press Ctrl+C to stop.')
  await new Promise(() => {})
}

await main()
