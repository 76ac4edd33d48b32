/**
 * The whole story in one run: the playground behind nginx with docker/nginx/broken.conf, the doctor's
 * diagnosis, the printed lines pasted into the config, nginx restarted, HMR working.
 *
 *   --headless     drive Chromium here and print each step; exits non-zero when a step fails
 *   --fix          paste the printed fix as soon as it is printed, without asking
 *   (`--docker` runs docker/demo.ts instead: the same story with Vite and nginx in containers)
 *   --vite-only    only the playground's Vite, for the compose file's `vite` service
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { createInterface } from 'node:readline/promises'
import { parseArgs, styleText } from 'node:util'
import { createLogger } from 'vite'
import {
  expectHmrApplies,
  launchBrowser,
  localizeDockerConf,
  nginxShell,
  openPage,
  PROXY_HOST,
  pasteNginxFix,
  printedBlocks,
  type RunningNginx,
  waitFor,
} from './kit/index.ts'
import {
  DIAGNOSIS,
  done,
  openBrokenPage,
  playground,
  runStory,
  serveBehindBrokenNginx,
  startPlayground,
  step,
  teeLogger,
} from './story.ts'

const { values: flags } = parseArgs({
  options: {
    headless: { type: 'boolean', default: false },
    fix: { type: 'boolean', default: false },
    'vite-only': { type: 'boolean', default: false },
  },
})

const messageFile = new URL('./src/message.ts', import.meta.url)

async function main(): Promise<void> {
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
  await runStory(
    async (cleanup) => {
      const logger = teeLogger()
      // Headless, nginx gets an address of its own so the browser can be kept from reaching Vite directly.
      const proxyHost = flags.headless ? PROXY_HOST : '127.0.0.1'
      const { url, local, broken, nginx } = await serveBehindBrokenNginx(proxyHost, logger, cleanup)

      const applyFix = async (): Promise<void> => {
        const fixed = pasteNginxFix(broken, printedBlocks(logger.text()))
        step('Pasting the printed nginx lines into the config and restarting nginx')
        await nginx.restart(nginxShell(localizeDockerConf(fixed, local)))
      }

      if (flags.headless) await headless(url, logger, applyFix)
      else await interactive(url, logger, applyFix, nginx)
    },
    [() => writeFileSync(messageFile, original)],
  )
}

async function headless(url: string, logger: { text(): string }, applyFix: () => Promise<void>): Promise<void> {
  const browser = await launchBrowser()
  try {
    const { context } = await openBrokenPage(browser, url, logger)
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
