/**
 * What demo.ts and pictures.ts both tell: the playground's Vite behind a real nginx with
 * docker/nginx/broken.conf, a page opened through it, the doctor's diagnosis in the terminal and on the page.
 */
import { readFileSync } from 'node:fs'
import { stripVTControlCharacters, styleText } from 'node:util'
import type { Browser, BrowserContext } from 'playwright-core'
import { createLogger, createServer, type Logger, type ViteDevServer } from 'vite'
import {
  freePort,
  localizeDockerConf,
  newContext,
  nginxShell,
  noticeText,
  openPage,
  type RunningNginx,
  startNginx,
  type WatchedPage,
  waitFor,
} from './kit/index.ts'

export const playground = new URL('./', import.meta.url)
const brokenConf = new URL('../docker/nginx/broken.conf', import.meta.url)

export const DIAGNOSIS = '[hmr-doctor] nginx drops the WebSocket upgrade'

/** Bold and coloured only on a terminal without NO_COLOR: Node 20's styleText checks that for one style, not a list. */
const mark = (color: 'cyan' | 'green' | 'red', text: string) => styleText('bold', styleText(color, text))

export const step = (text: string) => console.log(`\n${mark('cyan', '▶')} ${styleText('bold', text)}`)
export const done = (text: string) => console.log(`\n${mark('green', '✔')} ${styleText('bold', text)}`)

export interface TeeLogger extends Logger {
  /** Everything printed so far, colours stripped: what the printed fix is read back from. */
  text(): string
  /** Each message exactly as Vite printed it, colours kept: what the terminal picture is drawn from. */
  raw(): readonly string[]
}

/** Vite's own terminal output, also kept so the printed fix can be read back exactly as the user sees it. */
export function teeLogger(): TeeLogger {
  const logger = createLogger('info', { allowClearScreen: false })
  const seen: string[] = []
  const tee =
    (print: (msg: string, options?: object) => void) =>
    (msg: string, options?: object): void => {
      seen.push(msg)
      print(msg, options)
    }
  return {
    ...logger,
    info: tee(logger.info),
    warn: tee(logger.warn),
    error: tee(logger.error),
    text: () => seen.map((msg) => stripVTControlCharacters(msg)).join('\n'),
    raw: () => seen,
  }
}

export async function startPlayground(host: string, port: number, logger: Logger): Promise<ViteDevServer> {
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

/** What a run started, undone last first however it ends. */
export type Cleanup = Array<() => Promise<unknown> | unknown>

/**
 * Runs `story`, then undoes everything in `cleanup` (also on failure, Ctrl+C or SIGTERM) and exits:
 * 0 when the story and every cleanup task succeeded.
 */
export async function runStory(story: (cleanup: Cleanup) => Promise<void>, cleanup: Cleanup = []): Promise<never> {
  const fail = (error: unknown) =>
    console.error(`\n${mark('red', '✖')} ${error instanceof Error ? error.message : String(error)}`)
  let stopping = false
  const stop = async (code: number): Promise<never> => {
    // A second signal while cleaning up must not start undoing the same things twice.
    if (stopping) return new Promise<never>(() => {})
    stopping = true
    let exitCode = code
    for (const task of [...cleanup].reverse()) {
      try {
        await task()
      } catch (error) {
        fail(error)
        exitCode ||= 1
      }
    }
    process.exit(exitCode)
  }
  process.once('SIGINT', () => void stop(130))
  process.once('SIGTERM', () => void stop(143))
  // An error thrown outside the story's own promise chain (a child process's 'error' event) would otherwise
  // end the process with nginx or Chromium still running.
  const crash = (error: unknown) => {
    fail(error)
    void stop(1)
  }
  process.once('uncaughtException', crash)
  process.once('unhandledRejection', crash)

  try {
    await story(cleanup)
  } catch (error) {
    fail(error)
    return stop(1)
  }
  return stop(0)
}

export interface BrokenProxy {
  /** The page's address, through nginx. */
  url: string
  /** Where nginx listens and what it proxies to, for localizeDockerConf. */
  local: { listen: string; upstream: string }
  /** docker/nginx/broken.conf as written for Docker. */
  broken: string
  nginx: RunningNginx
}

/** The playground's Vite on a free loopback port, and nginx with broken.conf in front of it on `proxyHost`. */
export async function serveBehindBrokenNginx(
  proxyHost: string,
  logger: Logger,
  cleanup: Cleanup,
): Promise<BrokenProxy> {
  const viteHost = '127.0.0.1'
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
  return { url, local, broken, nginx }
}

/** Opens `url` in a browser that reaches only nginx and waits for the doctor in the terminal and on the page. */
export async function openBrokenPage(
  browser: Browser,
  url: string,
  logger: { text(): string },
): Promise<{ context: BrowserContext; watched: WatchedPage }> {
  // Only nginx's address is reachable, as for a browser outside the container or on another machine.
  const context = await newContext(browser, 'proxy-only')
  step(`Chromium opens ${url} (it can reach nginx, not Vite's own port)`)
  const watched = await openPage(context, url)
  await waitFor('the doctor to print its diagnosis', () => logger.text().includes(DIAGNOSIS), 15_000)
  const notice = await waitFor('the notice on the page', () => noticeText(watched.page), 10_000)
  done(`The page shows the doctor's notice: "${notice.slice(0, notice.indexOf('.') + 1)}"`)
  return { context, watched }
}
