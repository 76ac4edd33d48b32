// What the doctor adds to every page: the snippet it prepends to /@vite/client, next to Vite's client itself.

import { randomBytes } from 'node:crypto'
import http from 'node:http'
import { gzipSync } from 'node:zlib'
import { clientSnippet } from '../dist/client-inject.js'
import hmrDoctor from '../dist/index.js'
import { timing } from '../src/timing.js'
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

async function main(): Promise<void> {
  printHeader('Client snippet size', [
    'The snippet exactly as the plugin prepends it (clientSnippet() with the same config shape and a',
    '24-character secret), and /@vite/client as two real dev servers serve it, without and with the plugin,',
    'split into code and the inline source map Vite appends. Bytes are UTF-8; gzip is node:zlib at level 6.',
  ])
  const snippet = sizes(
    clientSnippet({
      secret: randomBytes(18).toString('base64url'),
      serverId: randomBytes(6).toString('base64url'),
      notice: true,
      directFallback: true,
      reportCapMs: timing.reportCapMs,
    }),
  )

  const project = createProject()
  const servers: RunningServer[] = []
  const agent = new http.Agent({ keepAlive: true })
  try {
    servers.push(await startServer(project.root, []))
    servers.push(await startServer(project.root, [hmrDoctor()]))
    const clients = await Promise.all(
      servers.map(async ({ port }) => {
        const res = await get(agent, port, '/@vite/client', { accept: '*/*', 'sec-fetch-dest': 'script' })
        if (res.status !== 200) throw new Error(`GET /@vite/client answered ${res.status}`)
        return served(res.body)
      }),
    )
    const [without, withPlugin] = clients
    if (!without || !withPlugin) throw new Error('missing responses')
    const delta = (pick: (s: ReturnType<typeof served>) => number) => signed(pick(withPlugin) - pick(without), 0)
    printTable(
      ['what', 'code', 'code gzip', 'inline map', 'total', 'total gzip'],
      [
        [
          'snippet (clientSnippet)',
          String(snippet.raw),
          String(snippet.gzip),
          '-',
          String(snippet.raw),
          String(snippet.gzip),
        ],
        ...[['/@vite/client without plugin', without] as const, ['/@vite/client with plugin', withPlugin] as const].map(
          ([name, s]) => [
            name,
            String(s.code.raw),
            String(s.code.gzip),
            String(s.map.raw),
            String(s.total.raw),
            String(s.total.gzip),
          ],
        ),
        [
          'served difference',
          delta((s) => s.code.raw),
          delta((s) => s.code.gzip),
          delta((s) => s.map.raw),
          delta((s) => s.total.raw),
          delta((s) => s.total.gzip),
        ],
      ],
    )
    console.log(
      `\nsnippet vs Vite client code: ${((snippet.raw / without.code.raw) * 100).toFixed(1)} % raw, ` +
        `${((snippet.gzip / without.code.gzip) * 100).toFixed(1)} % gzip (all sizes in bytes)`,
    )
  } finally {
    agent.destroy()
    await Promise.all(servers.map(({ server }) => server.close()))
    project.remove()
  }
}

await main()
