// What the doctor adds to every request Vite serves: the classifier alone, then a real dev server with and without it.
import http, { IncomingMessage } from 'node:http'
import { Socket } from 'node:net'
import { classifyRequest, type RequestScope } from '../dist/evidence/server-observer.js'
import { createHostCheck } from '../dist/host-check.js'
import hmrDoctor from '../dist/index.js'
import {
  createProject,
  fixed,
  get,
  mean,
  median,
  percentile,
  printHeader,
  printTable,
  type RunningServer,
  signed,
  startServer,
  timeCalls,
} from './support.js'

const ROUNDS = 7
const ROUND_TARGET_NS = 40_000_000
const MAX_ITERATIONS = 20_000_000

const MACRO_WARMUP = 200
const MACRO_ROUNDS = 4
const MACRO_PER_ROUND = 750

/** A request as Node's parser hands it over: raw header names kept, so proxy fingerprinting does its real work. */
function incoming(
  method: string,
  url: string,
  httpVersion: string,
  raw: ReadonlyArray<[string, string]>,
): IncomingMessage {
  const req = new IncomingMessage(new Socket())
  req.method = method
  req.url = url
  req.httpVersion = httpVersion
  req.rawHeaders = raw.flat()
  req.headers = Object.fromEntries(raw.map(([name, value]) => [name.toLowerCase(), value]))
  return req
}

const browser: Array<[string, string]> = [
  ['Host', 'localhost:5173'],
  ['Connection', 'keep-alive'],
  ['User-Agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36'],
  ['Accept', '*/*'],
  ['Accept-Encoding', 'gzip, deflate, br'],
  ['Accept-Language', 'en-US,en;q=0.9'],
]

const cases: Array<{ name: string; req: IncomingMessage }> = [
  {
    name: 'module import (script)',
    req: incoming('GET', '/src/main.ts', '1.1', [
      ...browser,
      ['Sec-Fetch-Dest', 'script'],
      ['Sec-Fetch-Mode', 'cors'],
      ['Referer', 'http://localhost:5173/'],
    ]),
  },
  {
    // Chromium omits Sec-Fetch-* towards plain-http origins such as app.test, so the classifier reads Accept.
    name: 'module import, no Sec-Fetch',
    req: incoming('GET', '/src/main.ts', '1.1', [...browser, ['Referer', 'http://app.test/']]),
  },
  {
    name: 'page load (document)',
    req: incoming('GET', '/', '1.1', [...browser, ['Sec-Fetch-Dest', 'document'], ['Sec-Fetch-Mode', 'navigate']]),
  },
  {
    name: 'client load (/@vite/client)',
    req: incoming('GET', '/@vite/client', '1.1', [
      ...browser,
      ['Sec-Fetch-Dest', 'script'],
      ['Sec-Fetch-Mode', 'cors'],
    ]),
  },
  {
    // nginx's bare proxy_pass: HTTP/1.0, Connection: close, no Upgrade.
    name: 'flattened handshake',
    req: incoming('GET', '/?token=Zx8_abcdEFGH', '1.0', [
      ['Host', 'localhost:5173'],
      ['Connection', 'close'],
      ['Origin', 'http://localhost:8080'],
      ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
      ['Sec-WebSocket-Version', '13'],
      ['Sec-WebSocket-Protocol', 'vite-hmr'],
      ['User-Agent', 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0'],
    ]),
  },
]

// The scope the plugin builds for a default config: base '/', host check on with no extra allowed hosts.
const scope: RequestScope = {
  clientPath: '/@vite/client',
  base: '/',
  hostAllowed: createHostCheck([]),
  hmrServerPort: null,
  token: 'bench-token',
}

/** Returns how many calls produced an event, so the optimiser can't drop the loop. */
function loop(req: IncomingMessage, iterations: number): number {
  let events = 0
  for (let i = 0; i < iterations; i++) if (classifyRequest(req, scope, i) !== null) events++
  return events
}

function micro(): void {
  printHeader('classifyRequest: cost per request (micro)', [
    `process.hrtime.bigint around a tight loop; ~100 ms warm-up, then ${ROUNDS} rounds of ~${ROUND_TARGET_NS / 1e6} ms each;`,
    'median ns per call. Requests are real http.IncomingMessage objects with browser-like headers.',
  ])
  const rows: string[][] = []
  for (const { name, req } of cases) {
    const { perCallNs, iterations, result } = timeCalls((n) => loop(req, n), ROUNDS, ROUND_TARGET_NS, MAX_ITERATIONS)
    rows.push([
      name,
      fixed(median(perCallNs)),
      fixed(Math.min(...perCallNs)),
      fixed(Math.max(...perCallNs)),
      iterations.toLocaleString('en-US'),
      result === 0 ? 'none' : 'event',
    ])
  }
  printTable(['request', 'median ns', 'min ns', 'max ns', 'calls/round', 'result'], rows)
}

/** Sequential GETs of one module, each timed on its own; the agent keeps the connection alive. */
async function timedGet(agent: http.Agent, port: number, into: number[]): Promise<void> {
  const start = process.hrtime.bigint()
  const res = await get(agent, port, '/src/main.ts', {
    accept: '*/*',
    'sec-fetch-dest': 'script',
    'sec-fetch-mode': 'cors',
  })
  into.push(Number(process.hrtime.bigint() - start) / 1000)
  if (res.status !== 200) throw new Error(`GET /src/main.ts answered ${res.status}`)
}

interface Figures {
  rps: number
  mean: number
  p50: number
  p95: number
}

function figuresOf(latenciesUs: readonly number[]): Figures {
  const busyS = latenciesUs.reduce((sum, value) => sum + value, 0) / 1e6
  return {
    rps: latenciesUs.length / busyS,
    mean: mean(latenciesUs),
    p50: percentile(latenciesUs, 50),
    p95: percentile(latenciesUs, 95),
  }
}

function row(name: string, f: Figures): string[] {
  return [name, fixed(f.rps, 0), fixed(f.mean), fixed(f.p50), fixed(f.p95)]
}

function difference(name: string, a: Figures, b: Figures): string[] {
  return [
    name,
    `${signed(((b.rps - a.rps) / a.rps) * 100)} %`,
    signed(b.mean - a.mean),
    signed(b.p50 - a.p50),
    signed(b.p95 - a.p95),
  ]
}

async function macro(): Promise<void> {
  const total = MACRO_ROUNDS * MACRO_PER_ROUND
  printHeader('Vite dev server: GET /src/main.ts without and with the plugin (macro)', [
    'Three servers side by side on 127.0.0.1 (without, a second identical one as a noise control, with the plugin),',
    `one keep-alive connection each; ${MACRO_WARMUP} warm-up requests each, then ${total} sequential requests per`,
    'server, interleaved one by one in rotating order so drift hits all alike. req/s = requests / summed latency;',
    'latency is client-side and includes Node’s HTTP client, sharing the same 2 cores.',
  ])
  const project = createProject()
  const servers: RunningServer[] = []
  const agents: http.Agent[] = []
  try {
    servers.push(await startServer(project.root, []))
    servers.push(await startServer(project.root, []))
    servers.push(await startServer(project.root, [hmrDoctor()]))
    const runs = servers.map(({ port }) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
      agents.push(agent)
      return { port, agent, latenciesUs: [] as number[] }
    })
    const discard: number[] = []
    for (const run of runs) for (let i = 0; i < MACRO_WARMUP; i++) await timedGet(run.agent, run.port, discard)
    for (let i = 0; i < total; i++) {
      for (let k = 0; k < runs.length; k++) {
        const run = runs[(i + k) % runs.length]
        if (run) await timedGet(run.agent, run.port, run.latenciesUs)
      }
    }
    const [without, control, withPlugin] = runs.map((run) => figuresOf(run.latenciesUs))
    if (!without || !control || !withPlugin) throw new Error('missing figures')
    printTable(
      ['server', 'req/s', 'mean µs', 'p50 µs', 'p95 µs'],
      [
        row('without plugin', without),
        row('without (control)', control),
        row('with plugin', withPlugin),
        difference('noise: control − without', without, control),
        difference('with − without', without, withPlugin),
      ],
    )
  } finally {
    for (const agent of agents) agent.destroy()
    await Promise.all(servers.map(({ server }) => server.close()))
    project.remove()
  }
}

micro()
await macro()
