import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import {
  type BrowserMode,
  expectAppRendered,
  expectHmrApplies,
  foreground,
  freePort,
  nginxConfig,
  openPage,
  printedBlock,
} from 'hmr-doctor-playground/kit'
import { type Scenario, UPGRADE_HEADERS, WEBSOCKET_MAP } from './scenario.js'
import { expectSilence } from './silence.js'
import { editor, type RunningVite } from './vite.js'

/** What a fixture keeps that a fresh copy must not carry over: installs, and what a dev server generated. */
const NOT_COPIED = new Set(['node_modules', '.tmp', '.svelte-kit', '.react-router', '.nuxt', '.output'])

/** A framework's dev server, run as its CLI runs it: what the tests read of it and do to it. */
export interface RunningFramework extends Pick<RunningVite, 'root' | 'host' | 'port' | 'doctor' | 'edit' | 'stop'> {
  /** What the dev server printed, colours stripped: where the doctor speaks. */
  logger: Pick<RunningVite['logger'], 'text'>
}

function fixtureDir(name: string): string {
  return new URL(`../fixtures/${name}/`, import.meta.url).pathname
}

/**
 * A fresh copy of a framework fixture (`test/fixtures/<name>`, a workspace package with the framework
 * installed at a pinned version), under its own `.tmp/` so its imports resolve to that install.
 */
function copyFrameworkFixture(name: string, files: Record<string, string>): string {
  const fixture = fixtureDir(name)
  mkdirSync(join(fixture, '.tmp'), { recursive: true })
  const root = mkdtempSync(join(fixture, '.tmp', 'run-'))
  for (const entry of readdirSync(fixture)) {
    if (!NOT_COPIED.has(entry)) cpSync(join(fixture, entry), join(root, entry), { recursive: true })
  }
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true })
    writeFileSync(join(root, file), text)
  }
  return root
}

/** A file of fixture `name` as it is in the repository. */
export function fixtureFile(name: string, file: string): string {
  return readFileSync(join(fixtureDir(name), file), 'utf8')
}

/** The path of `file` inside fixture `name`'s installed packages, for a CLI's script. */
export function fixtureModule(name: string, file: string): string {
  return join(fixtureDir(name), 'node_modules', file)
}

/**
 * Starts a copy of fixture `name` with its own dev command, in its directory (frameworks resolve their
 * project from the working directory): `command` gets the port to listen on and returns Node's arguments
 * (a script, relative to the copy or from `fixtureModule`, and its own arguments).
 */
export async function startFramework(
  name: string,
  command: (port: number, host: string) => string[],
  options: {
    host?: string
    /** A port to reuse (a restarted server keeps the address the proxy points at); free one otherwise. */
    port?: number
    /** Files to write into the copy (or replace there), by path relative to its root. */
    files?: Record<string, string>
    startTimeoutMs?: number
  } = {},
): Promise<RunningFramework> {
  const root = copyFrameworkFixture(name, options.files ?? {})
  const host = options.host ?? '127.0.0.1'
  const port = options.port ?? (await freePort(host))
  const server = foreground({
    name,
    command: process.execPath,
    args: command(port, host),
    listen: { host, port },
    cwd: root,
    // As from a developer's shell: a test environment would make frameworks' loggers drop info lines.
    env: {
      NO_COLOR: '1',
      FORCE_COLOR: '0',
      BROWSER: 'none',
      NODE_ENV: 'development',
      TEST: '',
      VITEST: '',
      // What custom servers read (React Router's template, Nuxt too): the same address as the arguments.
      PORT: String(port),
      HOST: host,
    },
    startTimeoutMs: options.startTimeoutMs ?? 60_000,
  })
  await server.launch()
  return {
    root,
    host,
    port,
    doctor: {},
    logger: { text: () => stripVTControlCharacters(server.output()) },
    edit: editor(root),
    async stop() {
      await server.halt()
      rmSync(root, { recursive: true, force: true })
    },
  }
}

/** A framework whose dev server is Vite's own CLI with the framework's plugins (SvelteKit). */
export function startViteCli(name: string): Promise<RunningFramework> {
  return startFramework(name, (port, host) => [
    fixtureModule(name, 'vite/bin/vite.js'),
    'dev',
    '--host',
    host,
    '--port',
    String(port),
    '--strictPort',
  ])
}

/** Reloads a warm-up page gets before the framework counts as not starting at all. */
const WARM_UP_LOADS = 3

/**
 * A framework's first page after start can come while Vite's dependency optimizer is still settling: the
 * page reloads, or hydrates against a pre-bundle that has just gone stale and shows the framework's error
 * page instead of the app. One page, loaded directly and reloaded until it shows the app, settles that
 * before the scenario's own pages, whose reloads count. The doctor stays silent on it (a healthy page).
 */
async function warmUp(scenario: Scenario, app: RunningFramework): Promise<void> {
  const host = app.host.includes(':') ? `[${app.host}]` : app.host
  const watched = await openPage(await scenario.context('direct'), `http://${host}:${app.port}/`)
  for (let load = 1; ; load += 1) {
    try {
      await expectAppRendered(watched, 10_000)
      break
    } catch (error) {
      if (load === WARM_UP_LOADS) throw error
      await watched.page.reload()
    }
  }
  await watched.page.close()
}

/**
 * The round every framework's dev server goes through behind nginx: with the upgrade forwarded, HMR applies
 * an edit and the doctor stays silent; behind a bare `proxy_pass`, the doctor names the dropped upgrade,
 * and its nginx lines, pasted verbatim, make HMR work. Returns what the doctor printed.
 */
export async function expectSilentThenFixed(
  scenario: Scenario,
  app: RunningFramework,
  mode: BrowserMode,
): Promise<string> {
  await warmUp(scenario, app)
  const upstream = `${app.host}:${app.port}`
  const healthy = await scenario.nginx({ upstream, http: WEBSOCKET_MAP, location: UPGRADE_HEADERS })
  const context = await scenario.context(mode)
  const page = await openPage(context, `${healthy.origin}/`)
  await expectHmrApplies(page, app)
  await expectSilence(app, page)
  await page.page.close()

  const { nginx, site, origin } = await scenario.nginx({ upstream })
  await openPage(context, `${origin}/`)
  const output = await scenario.diagnosis(app, '[hmr-doctor] nginx drops the WebSocket upgrade')
  await nginx.restart(
    nginxConfig({
      ...site,
      http: printedBlock(output, 'nginx, inside http {}'),
      server: printedBlock(output, 'nginx, inside the server {} that proxies Vite'),
    }),
  )
  await expectHmrApplies(await openPage(context, `${origin}/`), app)
  return output
}
