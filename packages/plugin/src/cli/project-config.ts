import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { ResolvedConfig } from 'vite'
import { readViteFacts, type ViteFacts } from '../vite/vite-facts.js'
import { CheckError } from './check-error.js'

/** The names Vite looks for, in its order. */
const CONFIG_FILES = [
  'vite.config.js',
  'vite.config.mjs',
  'vite.config.ts',
  'vite.config.cjs',
  'vite.config.mts',
  'vite.config.cts',
]

/** The project's Vite config as Vite itself resolves it, with the facts a finding renders from. */
export interface ProjectConfig {
  file: string
  version: string
  facts: ViteFacts
  /** The dev server's own address as the config asks for it (the port it gets may differ when taken). */
  listen: { host: string; port: number }
}

/** The first vite.config in `folder`, as Vite picks it, or null. */
export function findViteConfig(folder: string): string | null {
  for (const name of CONFIG_FILES) {
    if (existsSync(join(folder, name))) return join(folder, name)
  }
  return null
}

/** The module entry of a package's `exports["."]` for `import`, in the order Node would pick it. */
function importEntry(exported: unknown): string | null {
  if (typeof exported === 'string') return exported
  if (typeof exported !== 'object' || exported === null) return null
  for (const [condition, target] of Object.entries(exported)) {
    if (condition === 'import' || condition === 'node' || condition === 'default') {
      const entry = importEntry(target)
      if (entry !== null) return entry
    }
  }
  return null
}

/** The project's own Vite (not the one hmr-doctor came with): its version and `resolveConfig`. */
async function projectVite(folder: string) {
  const require = createRequire(join(folder, 'package.json'))
  let manifestFile: string
  try {
    manifestFile = require.resolve('vite/package.json')
  } catch {
    throw new CheckError(`--project: no vite installed for ${folder}`)
  }
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { version?: unknown; exports?: unknown }
  const entry = importEntry((manifest.exports as Record<string, unknown> | undefined)?.['.'])
  if (typeof manifest.version !== 'string' || entry === null) {
    throw new CheckError(`--project: the vite installed for ${folder} is not one hmr-doctor can load`)
  }
  const vite = (await import(pathToFileURL(join(dirname(manifestFile), entry)).href)) as {
    resolveConfig: (inline: object, command: 'serve', mode: string) => Promise<ResolvedConfig>
  }
  return { version: manifest.version, resolveConfig: vite.resolveConfig }
}

/** Where a dev server with this `server.host` is reached from here, as `readViteFacts` names a listen address. */
function reachableHost(host: ResolvedConfig['server']['host']): string {
  if (host === undefined || host === false) return 'localhost'
  if (host === true || host === '0.0.0.0' || host === '::') return '127.0.0.1'
  return host.includes(':') ? `[${host}]` : host
}

/**
 * Resolves the vite.config in `folder` (the working directory, Vite's default root) with the project's own
 * Vite, as `vite` (serve, development) would: this runs the config file and its plugins' config hooks,
 * which is why it waits for `--project`.
 */
export async function readProjectConfig(folder: string): Promise<ProjectConfig> {
  const file = findViteConfig(folder)
  if (file === null) throw new CheckError(`--project: no vite.config in ${folder}`)
  const vite = await projectVite(folder)
  let config: ResolvedConfig
  try {
    config = await vite.resolveConfig({ configFile: file, logLevel: 'silent' }, 'serve', 'development')
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]
    throw new CheckError(`--project: Vite could not load ${file}: ${message}`)
  }
  return {
    file,
    version: vite.version,
    facts: readViteFacts(config, vite.version, null),
    listen: { host: reachableHost(config.server.host), port: config.server.port },
  }
}
