// What the doctor adds to every page: the snippet it prepends to /@vite/client, next to Vite's client itself.

import { readFileSync } from 'node:fs'
import http from 'node:http'
import { gzipSync } from 'node:zlib'
import hmrDoctor from '../dist/index.js'
import { createProject, get, printHeader, printTable, type RunningServer, signed, startServer } from './support.js'

interface Sizes {
  raw: number
  gzip: number
}

function sizes(text: string | Buffer): Sizes {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text
  // Level 6 is zlib's default and what compression middleware in front of Vite typically uses.
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 6 }).length }
}

const MAP_COMMENT = '\n//# sourceMappingURL='

/** Vite serves the client with an inline source map; it changes size with the snippet too, so it is counted apart. */
function served(body: Buffer): { code: Sizes; map: Sizes; total: Sizes } {
  const at = body.indexOf(MAP_COMMENT)
  const code = at === -1 ? body : body.subarray(0, at)
  const map = at === -1 ? Buffer.alloc(0) : body.subarray(at)
  return { code: sizes(code), map: sizes(map), total: sizes(body) }
}

export interface ClientSizes {
  /** What the plugin puts in front of Vite's client, as served. */
  snippet: Sizes
  without: ReturnType<typeof served>
  with: ReturnType<typeof served>
  /** The rest of the doctor, which only a page with a failed socket (or in a reload loop) loads. */
  doctorModule: Sizes
}

/** /@vite/client as two real dev servers serve it, without and with the plugin. */
export async function measureClientSize(): Promise<ClientSizes> {
  const project = createProject()
  const servers: RunningServer[] = []
  const agent = new http.Agent({ keepAlive: true })
  try {
    servers.push(await startServer(project.root, []))
    servers.push(await startServer(project.root, [hmrDoctor()]))
    const bodies = await Promise.all(
      servers.map(async ({ port }) => {
        const res = await get(agent, port, '/@vite/client', { accept: '*/*', 'sec-fetch-dest': 'script' })
        if (res.status !== 200) throw new Error(`GET /@vite/client answered ${res.status}`)
        return res.body
      }),
    )
    const [without, withPlugin] = bodies
    if (!without || !withPlugin) throw new Error('missing responses')
    const codeOf = (body: Buffer) => body.subarray(0, body.indexOf(MAP_COMMENT))
    // The two servers' clients differ only by the snippet in front (their tokens have the same length).
    const snippet = codeOf(withPlugin).subarray(0, codeOf(withPlugin).length - codeOf(without).length)
    return {
      snippet: sizes(snippet),
      without: served(without),
      with: served(withPlugin),
      doctorModule: sizes(readFileSync(new URL('../dist/doctor-client.js', import.meta.url))),
    }
  } finally {
    agent.destroy()
    await Promise.all(servers.map(({ server }) => server.close()))
    project.remove()
  }
}

export function printClientSize(figures: ClientSizes): void {
  printHeader('/@vite/client, as served', [
    '/@vite/client as two real dev servers serve it, without and with the plugin, split into code and the inline',
    'source map; the snippet is what the plugin puts in front of the code. Bytes are UTF-8; gzip is node:zlib',
    'at level 6. The rest of the doctor is a module of its own, fetched only by a page whose socket failed.',
  ])
  const { snippet, without, with: withPlugin, doctorModule } = figures
  const delta = (pick: (s: ReturnType<typeof served>) => number) => signed(pick(withPlugin) - pick(without), 0)
  const row = (name: string, s: ReturnType<typeof served>) => [
    name,
    String(s.code.raw),
    String(s.code.gzip),
    String(s.map.raw),
    String(s.total.raw),
    String(s.total.gzip),
  ]
  printTable(
    ['what', 'code', 'code gzip', 'inline map', 'total', 'total gzip'],
    [
      row('/@vite/client without plugin', without),
      row('/@vite/client with plugin', withPlugin),
      [
        'difference',
        delta((s) => s.code.raw),
        delta((s) => s.code.gzip),
        delta((s) => s.map.raw),
        delta((s) => s.total.raw),
        delta((s) => s.total.gzip),
      ],
      ['of which the snippet', String(snippet.raw), String(snippet.gzip), '-', '', ''],
      ['the rest (on a failure only)', String(doctorModule.raw), String(doctorModule.gzip), '-', '', ''],
    ],
  )
}

if (import.meta.url === `file://${process.argv[1]}`) printClientSize(await measureClientSize())
