import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { freePort } from 'hmr-doctor-playground/kit'
import {
  createLogger,
  createServer,
  type InlineConfig,
  type Logger,
  mergeConfig,
  type ViteDevServer,
  version as viteVersion,
} from 'vite'
import hmrDoctor, { type HmrDoctorOptions } from 'vite-plugin-hmr-doctor'

const FIXTURE = new URL('../fixtures/app/', import.meta.url)
// Inside the test package, so a vite.config.ts written into a copy resolves `vite` like a user's would. The
// Vite matrix points it into each version's own package, so the copy's config imports that Vite.
const SCRATCH = process.env.HMR_DOCTOR_SCRATCH ?? new URL('../.tmp/', import.meta.url).pathname

/** The key of Vite's socket options in the Vite these tests run: `server.ws` from Vite 8.1 on, `server.hmr` before. */
export function socketOptionsKey(): 'ws' | 'hmr' {
  const [major = 0, minor = 0] = viteVersion.split('.').map(Number)
  return major > 8 || (major === 8 && minor >= 1) ? 'ws' : 'hmr'
}

/** Everything the dev server printed, colours stripped, for asserting on what a user reads. */
export interface CapturedLogger extends Logger {
  text(): string
}

export function captureLogger(): CapturedLogger {
  const base = createLogger('info', { allowClearScreen: false })
  const lines: string[] = []
  const record = (msg: string) => {
    lines.push(stripVTControlCharacters(msg))
    if (process.env.HMR_DOCTOR_DEBUG) process.stderr.write(`${msg}\n`)
  }
  return {
    ...base,
    info: record,
    warn: record,
    warnOnce: record,
    error: record,
    text: () => lines.join('\n'),
  }
}

export interface RunningVite {
  server: ViteDevServer
  root: string
  host: string
  port: number
  logger: CapturedLogger
  /** The options the doctor runs with here, or false when it is not installed. */
  doctor: HmrDoctorOptions | false
  /** Rewrites a file of the app, as a user's editor would. */
  edit(file: string, change: (text: string) => string): void
  stop(): Promise<void>
}

/** A fresh copy of the fixture app in a temp dir, with a vite.config.ts and more files when given. */
export function copyFixtureApp(options: { configFile?: string; files?: Record<string, string> }): string {
  mkdirSync(SCRATCH, { recursive: true })
  const root = mkdtempSync(join(SCRATCH, 'app-'))
  cpSync(FIXTURE, root, { recursive: true })
  if (options.configFile !== undefined) writeFileSync(join(root, 'vite.config.ts'), options.configFile)
  for (const [file, text] of Object.entries(options.files ?? {})) writeFileSync(join(root, file), text)
  return root
}

/** Rewrites a file of the app under `root`, as a user's editor would. */
export function editor(root: string): RunningVite['edit'] {
  return (file, change) => {
    const path = join(root, file)
    writeFileSync(path, change(readFileSync(path, 'utf8')))
  }
}

/** A copy of the fixture app in a temp dir, served by Vite with the doctor on a free port. */
export async function startVite(
  options: {
    doctor?: HmrDoctorOptions | false
    config?: InlineConfig
    host?: string
    /** A port to reuse (a restarted server keeps the address the proxy points at); free one otherwise. */
    port?: number
    /** The text of a vite.config.ts to write into the app and load, as a user's project would. */
    configFile?: string
    /** More files to write into the app, by path relative to its root. */
    files?: Record<string, string>
  } = {},
): Promise<RunningVite> {
  const root = copyFixtureApp(options)
  const host = options.host ?? '127.0.0.1'
  const port = options.port ?? (await freePort(host))
  const logger = captureLogger()
  const server = await createServer(
    mergeConfig(
      {
        configFile: options.configFile === undefined ? false : join(root, 'vite.config.ts'),
        root,
        customLogger: logger,
        clearScreen: false,
        plugins: options.doctor === false ? [] : [hmrDoctor(options.doctor)],
        server: { host, port, strictPort: true },
        optimizeDeps: { noDiscovery: true, include: [] },
      } satisfies InlineConfig,
      options.config ?? {},
    ),
  )
  await server.listen()
  return {
    server,
    root,
    host,
    port,
    logger,
    doctor: options.doctor ?? {},
    edit: editor(root),
    async stop() {
      await server.close()
      rmSync(root, { recursive: true, force: true })
    },
  }
}

/**
 * The user's config with a printed fix "merged into your config", exactly as printed: each is a module of
 * its own in the app, joined by vite.config.ts with Vite's own `mergeConfig`.
 */
export function configWithPrintedFix(
  user: string,
  printed: string,
): { configFile: string; files: Record<string, string> } {
  return {
    configFile: `import { mergeConfig } from 'vite'
import fix from './fix.config.ts'
import user from './user.config.ts'

export default mergeConfig(user, fix)
`,
    files: {
      'user.config.ts': `import { defineConfig } from 'vite'\n\n${user}\n`,
      'fix.config.ts': `import { defineConfig } from 'vite'\n\n${printed}\n`,
    },
  }
}
