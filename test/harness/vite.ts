import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { createLogger, createServer, type InlineConfig, type Logger, mergeConfig, type ViteDevServer } from 'vite'
import hmrDoctor, { type HmrDoctorOptions } from 'vite-plugin-hmr-doctor'
import { freePort } from './ports.js'

const FIXTURE = new URL('../fixtures/app/', import.meta.url)

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
  /** Rewrites a file of the app, as a user's editor would. */
  edit(file: string, change: (text: string) => string): void
  stop(): Promise<void>
}

/** A copy of the fixture app in a temp dir, served by Vite with the doctor on a free port. */
export async function startVite(
  options: { doctor?: HmrDoctorOptions | false; config?: InlineConfig; host?: string } = {},
): Promise<RunningVite> {
  const root = mkdtempSync(join(tmpdir(), 'hmr-doctor-app-'))
  cpSync(FIXTURE, root, { recursive: true })
  const host = options.host ?? '127.0.0.1'
  const port = await freePort(host)
  const logger = captureLogger()
  const server = await createServer(
    mergeConfig(
      {
        configFile: false,
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
    edit(file, change) {
      const path = join(root, file)
      writeFileSync(path, change(readFileSync(path, 'utf8')))
    },
    async stop() {
      await server.close()
      rmSync(root, { recursive: true, force: true })
    },
  }
}
