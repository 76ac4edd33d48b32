import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer, type ViteDevServer } from 'vite'
import { afterAll, beforeAll, expect, test } from 'vitest'
import hmrDoctor from '../../dist/index.js'
import { beforeHeadEnd } from '../../src/server/client-inject.js'

let root: string
let alone: ViteDevServer
let doctored: ViteDevServer

const server = (plugins: ReturnType<typeof hmrDoctor>[]) =>
  createServer({ configFile: false, root, logLevel: 'silent', server: { middlewareMode: true }, plugins })

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hmr-doctor-beacon-'))
  alone = await server([])
  doctored = await server([hmrDoctor()])
})

afterAll(async () => {
  await Promise.all([alone?.close(), doctored?.close()])
  rmSync(root, { recursive: true, force: true })
})

const BEACON = /<script type="module">self\.__HMR_DOCTOR__\|\|[^<]*<\/script>/g
const CLIENT_TAG = '<script type="module" src="/@vite/client"></script>'

const PAGES = {
  'create-vite': `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <link rel="icon" type="image/svg+xml" href="/vite.svg" />
    <title>Vite App</title>
  </head>
  <body>
    <div id="app"></div>
    <script type="module" src="/src/main.ts"></script>
  </body>
</html>
`,
  'a </head> in a comment first': '<html><head><!-- </head> --><title>t</title></head><body></body></html>',
  'upper-case tags': '<!DOCTYPE html><HTML><HEAD><TITLE>t</TITLE></HEAD><BODY></BODY></HTML>',
  'no head': '<!doctype html><html><body><div id="app"></div></body></html>',
  'a fragment': '<div id="app"></div>',
}

test.each(Object.entries(PAGES))(
  '%s: the beacon once, after Vite’s client tag, the page otherwise as Vite serves it',
  async (_, page) => {
    const served = await doctored.transformIndexHtml('/', page)
    const beacons = [...served.matchAll(BEACON)]
    expect(beacons).toHaveLength(1)
    const at = beacons[0]?.index ?? -1
    expect(served.indexOf(CLIENT_TAG)).toBeGreaterThan(-1)
    expect(served.indexOf(CLIENT_TAG)).toBeLessThan(at)
    const headEnd = served.search(/<\/head>/i)
    if (headEnd !== -1) expect(at).toBeLessThan(headEnd)
    // Whitespace aside: where Vite places the tag itself, it indents it on a line of its own.
    const squeeze = (html: string) => html.replace(/\s+/g, '')
    expect(squeeze(served.replace(BEACON, ''))).toBe(squeeze(await alone.transformIndexHtml('/', page)))
  },
)

test('where the page has a </head>, the beacon goes right before the first one and nothing else changes', () => {
  expect(beforeHeadEnd('<head><title>t</title></head><p>x</p>', '<b>')).toBe('<head><title>t</title><b></head><p>x</p>')
  expect(beforeHeadEnd('<head><!-- </head> --></head>', '<b>')).toBe('<head><!-- <b></head> --></head>')
  expect(beforeHeadEnd('<HEAD></HEAD>', '<b>')).toBe('<HEAD><b></HEAD>')
  expect(beforeHeadEnd('<body></body>', '<b>')).toBeNull()
})
