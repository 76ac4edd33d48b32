import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium'

/** The loopback address proxies listen on: the only one a `proxy-only` browser can reach. */
export const PROXY_HOST = '127.0.0.2'

/** A name that is not loopback to the browser (so https rules apply in full), mapped to PROXY_HOST. */
export const PROXY_NAME = 'app.test'

/**
 * `direct`: the browser reaches every loopback port, as on a developer's own machine, where Vite's direct
 * fallback can hide a broken proxy. `proxy-only`: only the proxy's address is reachable, as from a Docker
 * host or another machine; everything else goes to a dead proxy (nothing listens on port 9).
 */
export type BrowserMode = 'direct' | 'proxy-only'

export const BROWSER_MODES: readonly BrowserMode[] = ['direct', 'proxy-only']

/** Chromium as the tests and the demo use it; `names` also resolves PROXY_NAME and trusts any certificate. */
export async function launchBrowser(options: { names?: boolean } = {}): Promise<Browser> {
  const names = options.names
    ? [`--host-resolver-rules=MAP ${PROXY_NAME} ${PROXY_HOST}`, '--ignore-certificate-errors']
    : []
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      ...names,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/**
 * `only` narrows a `proxy-only` browser to one `host:port` (the proxy's), for servers that listen on every
 * address, PROXY_HOST included, as Vite's own socket server does in middleware mode.
 */
export async function newContext(browser: Browser, mode: BrowserMode, only?: string): Promise<BrowserContext> {
  if (mode === 'direct') return browser.newContext()
  return browser.newContext({
    proxy: { server: 'http://127.0.0.1:9', bypass: only ?? `${PROXY_HOST},${PROXY_NAME}` },
  })
}

export interface WatchedPage {
  page: Page
  console: string[]
  /** Every request the page sent to the doctor's endpoint (`__hmr_doctor`), by URL. */
  doctorRequests: string[]
  /** Navigations of the main frame after the first load: each is a full reload. */
  reloads(): number
  /** When the page's latest load event fired (`Date.now()`), or null before the first. */
  loadedAt(): number | null
}

/** What the console shows when the doctor's own code errs: its fetches refused by the browser, its modules. */
const DOCTOR_ERROR = /Fetch API cannot load|Access to fetch at|hmr-doctor|__hmr_doctor/i

const doctorErrors: string[] = []

/** The console errors of the doctor's own making on every page opened since the last call, and forgets them. */
export function takeDoctorErrors(): string[] {
  return doctorErrors.splice(0)
}

export async function openPage(context: BrowserContext, url: string): Promise<WatchedPage> {
  const page = await context.newPage()
  const console: string[] = []
  const doctorRequests: string[] = []
  let loads = 0
  let loadedAt: number | null = null
  page.on('console', (message) => {
    const line = `${message.type()}: ${message.text()}`
    console.push(line)
    if (message.type() === 'error' && DOCTOR_ERROR.test(line)) doctorErrors.push(`${page.url()}: ${line}`)
  })
  page.on('pageerror', (error) => {
    if (DOCTOR_ERROR.test(`${error.message}\n${error.stack ?? ''}`))
      doctorErrors.push(`${page.url()}: ${error.message}`)
  })
  page.on('request', (request) => {
    if (request.url().includes('__hmr_doctor')) doctorRequests.push(request.url())
  })
  page.on('load', () => {
    loads += 1
    loadedAt = Date.now()
  })
  // A bound, not a verdict: a framework's first page, compiled on request, can take long on a loaded machine.
  await page.goto(url, { timeout: 90_000 })
  return { page, console, doctorRequests, reloads: () => Math.max(0, loads - 1), loadedAt: () => loadedAt }
}
