// What the doctor costs before any request: importing it, starting a dev server with it, and (it applies
// to `serve` only) nothing at all in `vite build`.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'vite'
import hmrDoctor from '../dist/index.js'
import { serverProcess } from './server-process.js'
import { createProject, fixed, median, printHeader, printTable, signed } from './support.js'

/** Goals, from the issue. */
export const IMPORT_GOAL_MS = 10

const IMPORT_RUNS = 9
const STARTUP_RUNS = 5

export interface StartupFigures {
  /** Importing the plugin in a fresh process that has already imported Vite, as a vite.config does. */
  importMs: number[]
  startupWithoutMs: number[]
  startupWithMs: number[]
  /** `vite build` of the same project without and with the plugin produced the same files, byte for byte. */
  buildIdentical: boolean
  buildFiles: number
}

function importOnce(): number {
  const entry = new URL('../dist/index.js', import.meta.url).href
  const script = `await import('vite'); const t = performance.now(); await import(${JSON.stringify(entry)}); console.log(performance.now() - t)`
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim())
}

/** Every file of a build output, by path, as a hash of its bytes. */
function digest(dir: string): Map<string, string> {
  const files = new Map<string, string>()
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    files.set(path.slice(dir.length), createHash('sha256').update(readFileSync(path)).digest('hex'))
  }
  return files
}

async function buildOutput(root: string, outDir: string, withPlugin: boolean): Promise<Map<string, string>> {
  await build({
    configFile: false,
    root,
    logLevel: 'silent',
    plugins: withPlugin ? [hmrDoctor()] : [],
    build: { outDir, emptyOutDir: true, sourcemap: true },
  })
  return digest(join(root, outDir))
}

export async function measureStartup(): Promise<StartupFigures> {
  const importMs = Array.from({ length: IMPORT_RUNS }, importOnce)
  const project = createProject()
  try {
    const startupWithoutMs: number[] = []
    const startupWithMs: number[] = []
    for (let run = 0; run < STARTUP_RUNS; run++) {
      for (const variant of run % 2 ? (['with', 'without'] as const) : (['without', 'with'] as const)) {
        const server = await serverProcess(project.root, variant)
        ;(variant === 'with' ? startupWithMs : startupWithoutMs).push(server.startupMs)
        await server.stop()
      }
    }
    const without = await buildOutput(project.root, 'dist-without', false)
    const withPlugin = await buildOutput(project.root, 'dist-with', true)
    const buildIdentical =
      without.size === withPlugin.size && [...without].every(([path, hash]) => withPlugin.get(path) === hash)
    return { importMs, startupWithoutMs, startupWithMs, buildIdentical, buildFiles: without.size }
  } finally {
    project.remove()
  }
}

export function printStartup(figures: StartupFigures): void {
  printHeader('Import, startup and build', [
    `Import: the plugin imported in a fresh Node process that has imported Vite first (${IMPORT_RUNS} processes).`,
    `Startup: createServer() + listen() in a fresh process, without and with the plugin, alternating (${STARTUP_RUNS} each).`,
    'Build: `vite build` (with source maps) of the same project without and with the plugin, every file compared.',
  ])
  const startupDelta = median(figures.startupWithMs) - median(figures.startupWithoutMs)
  printTable(
    ['what', 'p50', 'max', 'note'],
    [
      [
        'plugin import, ms',
        fixed(median(figures.importMs)),
        fixed(Math.max(...figures.importMs)),
        `goal ≤ ${IMPORT_GOAL_MS} ms`,
      ],
      [
        'dev server startup without, ms',
        fixed(median(figures.startupWithoutMs)),
        fixed(Math.max(...figures.startupWithoutMs)),
        '',
      ],
      [
        'dev server startup with, ms',
        fixed(median(figures.startupWithMs)),
        fixed(Math.max(...figures.startupWithMs)),
        `${signed(startupDelta)} ms p50`,
      ],
      [
        'vite build output',
        figures.buildIdentical ? 'identical' : 'DIFFERENT',
        '',
        `${figures.buildFiles} files, byte for byte`,
      ],
    ],
  )
}

if (import.meta.url === `file://${process.argv[1]}`) printStartup(await measureStartup())
