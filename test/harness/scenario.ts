import {
  type BrowserMode,
  freePort,
  launchBrowser,
  type NginxSite,
  newContext,
  nginxConfig,
  PROXY_HOST,
  type RunningNginx,
  startNginx,
  takeDoctorErrors,
  waitFor,
} from 'hmr-doctor-playground/kit'
import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { type ApacheSite, type RunningApache, startApache } from './apache.js'
import { caddyConfig, type RunningCaddy, startCaddy } from './caddy.js'
import { type HaproxySite, haproxyConfig, type RunningHaproxy, startHaproxy } from './haproxy.js'
import { type RunningVite, startVite } from './vite.js'

/** The upgrade setup most nginx guides give for Vite: the `map` in `http {}`… */
export const WEBSOCKET_MAP = `map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}`

/** …and these lines in the proxied location. */
export const UPGRADE_HEADERS = `proxy_http_version 1.1;
proxy_set_header Upgrade $http_upgrade;
proxy_set_header Connection $connection_upgrade;`

export interface Scenario {
  browser(): Browser
  /** Runs `step` after the current test, passed or failed, latest first. */
  defer(step: () => Promise<unknown>): void
  vite(options?: Parameters<typeof startVite>[0]): Promise<RunningVite>
  /**
   * nginx on a free port of PROXY_HOST (or `port`, one reserved earlier); `site` gets the listen address
   * filled in, with `ssl` when set. The full `site` comes back, to restart nginx with parts of it changed.
   */
  nginx(
    site: Omit<NginxSite, 'listen'>,
    options?: { port?: number; ssl?: boolean },
  ): Promise<{ nginx: RunningNginx; port: number; origin: string; site: NginxSite }>
  /** HAProxy on a free port of PROXY_HOST in front of `upstream`; `restart` takes new `defaults` lines. */
  haproxy(
    upstream: string,
    defaults: string,
  ): Promise<{ haproxy: RunningHaproxy; origin: string; restart(defaults: string): Promise<void> }>
  /** Apache on a free port of PROXY_HOST with `virtualHost` as its one site; `restart` takes new lines. */
  apache(
    virtualHost: string,
  ): Promise<{ apache: RunningApache; origin: string; restart(virtualHost: string): Promise<void> }>
  /** Caddy's plain `reverse_proxy` to `upstream` on a free port of PROXY_HOST. */
  caddy(upstream: string): Promise<{ caddy: RunningCaddy; origin: string }>
  /** A browser context; `only` narrows a `proxy-only` one to that `host:port` (see `newContext`). */
  context(mode: BrowserMode, only?: string): Promise<BrowserContext>
  /** The doctor's output once it contains `summary`. */
  diagnosis(vite: { logger: Pick<RunningVite['logger'], 'text'> }, summary: string, timeoutMs?: number): Promise<string>
  /** The doctor's output once it names an idle-timeout loop (`LOOP_SUMMARY`), whatever timeout it names. */
  loopDiagnosis(vite: { logger: Pick<RunningVite['logger'], 'text'> }): Promise<string>
}

/**
 * An idle-timeout loop's summary up to the timeout it names: the doctor says a finding once, so a wrong value
 * would never be followed by the right one, and the test that checks the value fails at once with what was printed.
 */
export const LOOP_SUMMARY = '[hmr-doctor] The proxy closes the HMR socket after '

/**
 * Long enough for several turns of the loop on a busy machine: every reloaded page reports again, so a
 * turn whose report came too late is made up by the next one. On success the wait ends at once.
 */
const LOOP_DIAGNOSIS_MS = 45_000

/**
 * One browser per test file, and everything a test starts stopped after it even when an assertion fails.
 * `names` launches the browser that resolves PROXY_NAME and accepts the test certificate.
 */
function diagnosis(
  vite: { logger: Pick<RunningVite['logger'], 'text'> },
  summary: string,
  timeoutMs = 10_000,
): Promise<string> {
  return waitFor(
    `"${summary}"`,
    () => {
      const text = vite.logger.text()
      return text.includes(summary) && text
    },
    timeoutMs,
  )
}

export function useScenario(options: { names?: boolean } = {}): Scenario {
  let browser: Browser | undefined
  const cleanup: Array<() => Promise<unknown>> = []
  beforeAll(async () => {
    browser = await launchBrowser(options)
  })
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step()
    // Healthy or failing, the doctor never adds an error of its own to a page's console.
    expect(takeDoctorErrors()).toEqual([])
  })
  afterAll(async () => {
    await browser?.close()
  })
  const defer = (step: () => Promise<unknown>) => {
    cleanup.push(step)
  }
  const current = (): Browser => {
    if (!browser) throw new Error('the browser is not launched yet')
    return browser
  }
  return {
    browser: current,
    defer,
    async vite(viteOptions) {
      const running = await startVite(viteOptions)
      defer(() => running.stop())
      return running
    },
    async nginx(site, nginxOptions = {}) {
      const port = nginxOptions.port ?? (await freePort(PROXY_HOST))
      const full: NginxSite = { ...site, listen: `${PROXY_HOST}:${port}${nginxOptions.ssl ? ' ssl' : ''}` }
      const nginx = await startNginx(nginxConfig(full), { host: PROXY_HOST, port })
      defer(() => nginx.stop())
      return { nginx, port, origin: `${nginxOptions.ssl ? 'https' : 'http'}://${PROXY_HOST}:${port}`, site: full }
    },
    async haproxy(upstream, defaults) {
      const port = await freePort(PROXY_HOST)
      const site = (lines: string): HaproxySite => ({ listen: `${PROXY_HOST}:${port}`, upstream, defaults: lines })
      const haproxy = await startHaproxy(haproxyConfig(site(defaults)), { host: PROXY_HOST, port })
      defer(() => haproxy.stop())
      return {
        haproxy,
        origin: `http://${PROXY_HOST}:${port}`,
        restart: (next) => haproxy.restart(haproxyConfig(site(next))),
      }
    },
    async apache(virtualHost) {
      const port = await freePort(PROXY_HOST)
      const site = (lines: string): ApacheSite => ({ listen: `${PROXY_HOST}:${port}`, virtualHost: lines })
      const apache = await startApache(site(virtualHost), { host: PROXY_HOST, port })
      defer(() => apache.stop())
      return { apache, origin: `http://${PROXY_HOST}:${port}`, restart: (next) => apache.restart(site(next)) }
    },
    async caddy(upstream) {
      const port = await freePort(PROXY_HOST)
      const caddy = await startCaddy(caddyConfig(`${PROXY_HOST}:${port}`, upstream), { host: PROXY_HOST, port })
      defer(() => caddy.stop())
      return { caddy, origin: `http://${PROXY_HOST}:${port}` }
    },
    async context(mode, only) {
      const created = await newContext(current(), mode, only)
      defer(() => created.close())
      return created
    },
    diagnosis,
    loopDiagnosis: (vite) => diagnosis(vite, LOOP_SUMMARY, LOOP_DIAGNOSIS_MS),
  }
}
