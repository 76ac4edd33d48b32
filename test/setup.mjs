// What both quick-start commands need before they run: Debian packages, the pinned pnpm, the workspace.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'

const root = new URL('..', import.meta.url).pathname

/** The Debian packages the demo and the tests use, by the file each provides. */
const SYSTEM_PACKAGES = {
  nginx: '/usr/sbin/nginx',
  chromium: '/usr/bin/chromium',
  openssl: '/usr/bin/openssl',
  haproxy: '/usr/sbin/haproxy',
  apache2: '/usr/sbin/apache2',
  caddy: '/usr/bin/caddy',
}

export function fail(message) {
  console.error(`\n✖ ${message}\n`)
  process.exit(1)
}

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options })
  if (result.error) fail(`${command} could not start: ${result.error.message}`)
  if (result.status !== 0) fail(`${[command, ...args].join(' ')} exited with ${result.status ?? result.signal}`)
}

/**
 * Installs missing packages with apt-get when running as root; otherwise names them, prints the exact
 * command that installs them, and what can run without them (`instead`), then stops.
 */
export function ensureSystemPackages(names, instead) {
  const missing = names.filter((name) => !existsSync(SYSTEM_PACKAGES[name]))
  if (missing.length === 0) return
  const list = missing.join(' ')
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')
  if (!canInstall) {
    fail(
      `Missing Debian package${missing.length > 1 ? 's' : ''}: ${list}. Install with:\n\n` +
        `    sudo apt-get update && sudo apt-get install -y ${list}\n` +
        (instead ? `\n${instead}` : ''),
    )
  }
  console.log(`Installing ${list} with apt-get…`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  run('apt-get', ['update', '-qq'], { env })
  run('apt-get', ['install', '-y', '-qq', ...missing], { env })
  const still = missing.filter((name) => !existsSync(SYSTEM_PACKAGES[name]))
  if (still.length > 0) fail(`apt-get did not provide ${still.map((name) => SYSTEM_PACKAGES[name]).join(', ')}`)
}

/** The pnpm version pinned in package.json, run through npx (corepack's download is not available here). */
export const pnpmSpec = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).packageManager

export function pnpm(args, options) {
  run('npx', ['--yes', pnpmSpec, ...args], options)
}

/** Installs the workspace exactly as locked and builds the plugin the playground and tests import. */
export function ensureWorkspace() {
  pnpm(['install', '--frozen-lockfile', '--reporter=append-only'])
  buildPlugin()
}

/**
 * Installs, exactly as locked, only what the demo runs: the root's tools, the playground and the workspace
 * packages it depends on (the plugin); not the end-to-end tests, the framework fixtures, the Vite matrix or
 * the docs.
 */
export function ensureDemoWorkspace() {
  pnpm([
    'install',
    '--frozen-lockfile',
    '--reporter=append-only',
    '--filter',
    'hmr-doctor-workspace',
    '--filter',
    'hmr-doctor-playground...',
  ])
  buildPlugin()
}

function buildPlugin() {
  pnpm(['--filter', 'vite-plugin-hmr-doctor', 'run', 'build'])
}
