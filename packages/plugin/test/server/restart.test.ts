import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer, version as viteVersion } from 'vite'
import { expect, test } from 'vitest'
// dist, not src: the snippet is read from dist/client.iife.js next to the module (see global-setup.ts).
import { hmrDoctor } from '../../dist/index.js'
import { silenceWindowMs } from '../../src/shared/timing.js'
import { hmrConfigKeyFor } from '../../src/vite/vite-facts.js'
import { recordingLogger } from '../recording-logger.js'

/**
 * The plugin object given inline, so a restart reuses it: the restart makes the new Vite before it closes
 * the old one. In middleware mode (a framework's server, the socket on it, as in `e2e/middleware.test.ts`),
 * Vite also keeps the first app, which the framework holds, and gives it the new server's middlewares.
 */
test.each([
  { mode: 'middleware mode', middlewareMode: true },
  { mode: "Vite's own server", middlewareMode: false },
])('after Vite restarts ($mode), the new doctor still sees a flattened handshake', async ({ middlewareMode }) => {
  const root = mkdtempSync(join(tmpdir(), 'hmr-doctor-restart-'))
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>fixture</title>\n')
  const host = http.createServer()
  const { customLogger, logged } = recordingLogger()
  const vite = await createServer({
    configFile: false,
    root,
    customLogger,
    appType: middlewareMode ? 'custom' : 'spa',
    plugins: [hmrDoctor()],
    server: middlewareMode
      ? { middlewareMode: true, [hmrConfigKeyFor(viteVersion)]: { server: host } }
      : { host: '127.0.0.1', port: 0 },
  })
  host.on('request', (req, res) =>
    vite.middlewares(req, res, () => {
      res.statusCode = 404
      res.end()
    }),
  )
  try {
    if (middlewareMode) await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve))
    else await vite.listen()
    await vite.restart()
    const address = (middlewareMode ? host : vite.httpServer)?.address() as AddressInfo
    const origin = `http://127.0.0.1:${address.port}`
    const client = await (await fetch(`${origin}/@vite/client`)).text()
    const token = /const wsToken = "([^"]+)"/.exec(client)?.[1]
    expect(token).toBeTruthy()
    // What a proxy that drops `Upgrade` forwards of the page's socket.
    await fetch(`${origin}/?token=${token}`, {
      headers: {
        origin,
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'sec-websocket-version': '13',
        'sec-websocket-protocol': 'vite-hmr',
      },
    })
    // The doctor names it once Vite's direct fallback could no longer change the verdict.
    const deadline = Date.now() + silenceWindowMs() * 2
    while (!logged.some((line) => line.includes('[hmr-doctor]')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(logged.join('\n')).toMatch(/Upgrade/)
  } finally {
    await vite.close()
    host.close()
    rmSync(root, { recursive: true, force: true })
  }
})
