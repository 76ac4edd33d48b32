import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { startExpressApp } from 'hmr-doctor-fixture-express'
import { freePort } from 'hmr-doctor-playground/kit'
import hmrDoctor from 'vite-plugin-hmr-doctor'
import { captureLogger, copyFixtureApp, editor, type RunningVite, socketOptionsKey } from './vite.js'

/** The Express app of a middleware-mode setup, as the doctor's tests drive it. */
export interface RunningMiddlewareApp extends RunningVite {
  /** The port of Vite's own server for the socket, when it runs one. */
  socketPort: number | null
}

/**
 * The fixture app behind a custom Express server with Vite in middleware mode and the doctor installed
 * (`test/fixtures/express`). Without `shareServer`, Vite's own socket server gets a free port rather than
 * its default 24678, which another test run on this machine may hold: the client dials it the same way.
 */
export async function startMiddlewareApp(options: {
  shareServer: boolean
  host?: string
  port?: number
  /** The socket port to reuse across a restart; free one otherwise. */
  socketPort?: number
  configFile?: string
  files?: Record<string, string>
}): Promise<RunningMiddlewareApp> {
  const root = copyFixtureApp(options)
  const host = options.host ?? '127.0.0.1'
  const logger = captureLogger()
  const socketPort = options.shareServer ? null : (options.socketPort ?? (await freePort()))
  const app = await startExpressApp({
    root,
    host,
    port: options.port ?? (await freePort(host)),
    shareServer: options.shareServer,
    socketKey: socketOptionsKey(),
    config: {
      configFile: options.configFile === undefined ? false : join(root, 'vite.config.ts'),
      customLogger: logger,
      clearScreen: false,
      plugins: [hmrDoctor()],
      optimizeDeps: { noDiscovery: true, include: [] },
      server: socketPort === null ? {} : { [socketOptionsKey()]: { port: socketPort } },
    },
  })
  return {
    server: app.vite,
    root,
    host,
    port: app.port,
    socketPort,
    logger,
    doctor: {},
    edit: editor(root),
    async stop() {
      await app.close()
      rmSync(root, { recursive: true, force: true })
    },
  }
}
