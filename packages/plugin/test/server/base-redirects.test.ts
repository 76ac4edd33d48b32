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

const BASE = '/vite-in-example-custom-server/'

/**
 * sapphi-red/vite-setup-catalogue's middleware-mode example, healthy: a `base`, `appType: 'custom'`, the
 * socket on the framework's server, which serves its own page at `/`. Vite passes `/` on (middleware mode
 * never redirects into base), so page loads there are no redirect loop, however many.
 */
test('the catalogue middleware example: page loads at / outside base are no redirect loop', async () => {
  const root = mkdtempSync(join(tmpdir(), 'hmr-doctor-catalogue-'))
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>catalogue</title>\n')
  const host = http.createServer()
  const { customLogger, logged } = recordingLogger()
  const vite = await createServer({
    configFile: false,
    root,
    customLogger,
    base: BASE,
    appType: 'custom',
    plugins: [hmrDoctor()],
    server: { middlewareMode: true, [hmrConfigKeyFor(viteVersion)]: { server: host } },
  })
  host.on('request', (req, res) =>
    vite.middlewares(req, res, () => {
      res.statusCode = 200
      res.setHeader('content-type', 'text/html')
      res.end('<!doctype html><title>catalogue</title>\n')
    }),
  )
  try {
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve))
    const origin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`
    const statuses: number[] = []
    for (let load = 0; load < 4; load++) {
      const page = await fetch(`${origin}/`, {
        redirect: 'manual',
        headers: { accept: 'text/html', 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate' },
      })
      statuses.push(page.status)
      await page.text()
    }
    expect(statuses).toEqual([200, 200, 200, 200])
    // Until the doctor speaks, or past every window in which it could still settle a verdict on these loads.
    const deadline = Date.now() + silenceWindowMs()
    while (!logged.some((line) => line.includes('hmr-doctor')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(logged.filter((line) => line.includes('hmr-doctor'))).toEqual([])
  } finally {
    await vite.close()
    host.close()
    rmSync(root, { recursive: true, force: true })
  }
}, 30_000)
