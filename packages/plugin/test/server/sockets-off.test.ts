import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer, type ViteDevServer } from 'vite'
import { afterAll, beforeAll, expect, test } from 'vitest'
import hmrDoctor from '../../dist/index.js'

let server: ViteDevServer
let origin: string
let root: string

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hmr-doctor-ws-off-'))
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>fixture</title>\n')
  server = await createServer({
    configFile: false,
    root,
    logLevel: 'silent',
    server: { port: 0, host: '127.0.0.1', ws: false },
    plugins: [hmrDoctor()],
  })
  await server.listen()
  const address = server.httpServer?.address()
  if (!address || typeof address === 'string') throw new Error('Vite is not listening on a port')
  origin = `http://127.0.0.1:${address.port}`
})

afterAll(async () => {
  await server?.close()
  rmSync(root, { recursive: true, force: true })
})

// The user turned Vite's WebSocket server off: a client without a socket is what they asked for.
test('with server.ws false the doctor stays out: no snippet in the client, no report endpoint', async () => {
  const client = await (await fetch(`${origin}/@vite/client`)).text()
  expect(client).toContain('WebSocket')
  expect(client).not.toContain('__hmrDoctorClient')
  const report = await fetch(`${origin}/@vite/client?__hmr_doctor=report`, { method: 'POST', body: '{}' })
  expect(report.headers.get('content-type') ?? '').not.toContain('application/json')
})
