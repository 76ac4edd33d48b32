// What the doctor adds to every request Vite serves: the classifier alone, then a real dev server with and without it.
import http, { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import { doctorModuleMiddleware } from '../src/client-inject.js'
import { classifyRequest, type RequestScope } from '../src/evidence/server-observer.js'
import { createHostCheck } from '../src/host-check.js'
import { type ServerProcess, serverProcess } from './server-process.js'
import { createProject, fixed, get, median, printHeader, printTable, signed, timeCalls } from './support.js'

const ROUNDS = 7
const ROUND_TARGET_NS = 40_000_000
const MAX_ITERATIONS = 20_000_000

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
  for (let i = 0; i < iterations; i++) if (classifyRequest(req, scope, Date.now) !== null) events++
  return events
}

/** A GET passing the doctor's routes by, as every request Vite serves does; returns 1 so the loop is kept. */
function passRoutes(req: IncomingMessage, iterations: number): number {
  let passed = 0
  const next = () => {
    passed++
  }
  const res = new ServerResponse(req)
  for (let i = 0; i < iterations; i++) doctorModuleMiddleware(req, res, next)
  return passed === iterations ? 0 : 1
}

/** The plugin's own code on the path of a module request, in ns: classifying it and passing its routes by. */
export interface OwnCost {
  classifyNs: number
  routesNs: number
}

export function micro(): OwnCost {
  printHeader("The plugin's own code per request (micro)", [
    `process.hrtime.bigint around a tight loop; ~100 ms warm-up, then ${ROUNDS} rounds of ~${ROUND_TARGET_NS / 1e6} ms each;`,
    'median ns per call. Requests are real http.IncomingMessage objects with browser-like headers.',
  ])
  const rows: string[][] = []
  const timed = (name: string, run: (n: number) => number): number => {
    const { perCallNs, iterations, result } = timeCalls(run, ROUNDS, ROUND_TARGET_NS, MAX_ITERATIONS)
    rows.push([
      name,
      fixed(median(perCallNs)),
      fixed(Math.min(...perCallNs)),
      fixed(Math.max(...perCallNs)),
      iterations.toLocaleString('en-US'),
      result === 0 ? 'none' : 'event',
    ])
    return median(perCallNs)
  }
  const costs = cases.map(({ name, req }) => timed(`classifyRequest: ${name}`, (n) => loop(req, n)))
  const moduleRequest = cases[0]?.req
  if (!moduleRequest) throw new Error('no module request case')
  const routesNs = timed('routes passed by: module GET', (n) => passRoutes(moduleRequest, n))
  printTable(['request', 'median ns', 'min ns', 'max ns', 'calls/round', 'result'], rows)
  return { classifyNs: costs[0] ?? Number.NaN, routesNs }
}

interface Kind {
  name: string
  path: string
  headers: http.OutgoingHttpHeaders
  /** Timed requests per server: fewer for the slow ones, so each kind takes a few seconds. */
  count: number
}

const SCRIPT_HEADERS = { accept: '*/*', 'sec-fetch-dest': 'script', 'sec-fetch-mode': 'cors' }

const KINDS: readonly Kind[] = [
  {
    name: 'HTML page (/)',
    path: '/',
    headers: { accept: 'text/html', 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate' },
    count: 900,
  },
  { name: 'JS module (/src/main.ts)', path: '/src/main.ts', headers: SCRIPT_HEADERS, count: 2400 },
  { name: '/@vite/client', path: '/@vite/client', headers: SCRIPT_HEADERS, count: 300 },
]

const MACRO_WARMUP = 100

/** One GET, timed on its own; the agent keeps the connection alive. */
async function timedGet(agent: http.Agent, port: number, kind: Kind, into: number[]): Promise<void> {
  const start = process.hrtime.bigint()
  const res = await get(agent, port, kind.path, kind.headers)
  into.push(Number(process.hrtime.bigint() - start) / 1000)
  if (res.status !== 200) throw new Error(`GET ${kind.path} answered ${res.status}`)
}

/** One figure for each server: without the plugin, the identical control server, with the plugin. */
export interface Trio {
  without: number
  control: number
  with: number
}

export interface RequestRatio {
  request: string
  /** p50 client-side latency, µs. */
  latencyUs: Trio
  /** The server process's CPU time per request, µs: the work the goal is about. */
  cpuUs: Trio
  /** How far apart the two identical servers' CPU time per request came in the worst session (a ratio). */
  cpuNoise: number
}

/** The goal, from the issue: per-request work on the healthy path within 1 % of Vite alone. */
export const REQUEST_RATIO_GOAL = 0.01

export const ratio = (trio: Trio, pick: 'control' | 'with'): number => trio[pick] / trio.without - 1

/** Fresh server processes per session: each process carries a bias of its own, which sessions average out. */
const SESSIONS = Number(process.env.HMR_DOCTOR_BENCH_SESSIONS ?? 5)

/**
 * Three servers side by side (without, a second identical one as the noise control, with the plugin), one
 * keep-alive connection each, requests interleaved one by one in rotating order so drift hits all alike.
 */
async function session(): Promise<RequestRatio[]> {
  const project = createProject()
  const servers: ServerProcess[] = []
  const agents: http.Agent[] = []
  try {
    servers.push(await serverProcess(project.root, 'without'))
    servers.push(await serverProcess(project.root, 'without'))
    servers.push(await serverProcess(project.root, 'with'))
    const ports = servers.map(({ port }) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
      agents.push(agent)
      return { port, agent }
    })
    const cpu = () => Promise.all(servers.map((server) => server.cpuUs()))
    const figures: RequestRatio[] = []
    for (const kind of KINDS) {
      const latencies = ports.map(() => [] as number[])
      const discard: number[] = []
      for (const { port, agent } of ports)
        for (let i = 0; i < MACRO_WARMUP; i++) await timedGet(agent, port, kind, discard)
      const cpuBefore = await cpu()
      for (let i = 0; i < kind.count; i++) {
        for (let k = 0; k < ports.length; k++) {
          const index = (i + k) % ports.length
          const target = ports[index]
          const into = latencies[index]
          if (target && into) await timedGet(target.agent, target.port, kind, into)
        }
      }
      const cpuAfter = await cpu()
      const perRequest = (index: number) => ((cpuAfter[index] ?? 0) - (cpuBefore[index] ?? 0)) / kind.count
      const [without = [], control = [], withPlugin = []] = latencies
      figures.push({
        request: kind.name,
        latencyUs: { without: median(without), control: median(control), with: median(withPlugin) },
        cpuUs: { without: perRequest(0), control: perRequest(1), with: perRequest(2) },
        cpuNoise: Math.abs(perRequest(1) / perRequest(0) - 1),
      })
    }
    return figures
  } finally {
    for (const agent of agents) agent.destroy()
    await Promise.all(servers.map(({ stop }) => stop()))
    project.remove()
  }
}

/** Each figure as the median over sessions. */
export async function measureRequestRatios(): Promise<RequestRatio[]> {
  const sessions: RequestRatio[][] = []
  for (let i = 0; i < SESSIONS; i++) sessions.push(await session())
  return KINDS.map((kind, index) => {
    const figures = sessions.flatMap((figures) => figures[index] ?? [])
    const trio = (pick: (figure: RequestRatio) => Trio): Trio => ({
      without: median(figures.map((figure) => pick(figure).without)),
      control: median(figures.map((figure) => pick(figure).control)),
      with: median(figures.map((figure) => pick(figure).with)),
    })
    return {
      request: kind.name,
      latencyUs: trio((figure) => figure.latencyUs),
      cpuUs: trio((figure) => figure.cpuUs),
      cpuNoise: Math.max(...figures.map((figure) => figure.cpuNoise)),
    }
  })
}

const percent = (value: number) => `${signed(value * 100, 2)} %`

export function printRequestRatios(figures: readonly RequestRatio[]): void {
  printHeader('Vite dev server: per-request time without and with the plugin (macro)', [
    'Three servers on 127.0.0.1, each in a process of its own (without, a second identical one as a noise control,',
    `with the plugin), one keep-alive connection each; ${MACRO_WARMUP} warm-up requests each, then requests interleaved`,
    'one by one in rotating order so drift hits all alike. p50 of client-side latency (the client shares the 2',
    `cores), and each server's CPU time per request (process.cpuUsage), as the median over ${SESSIONS} sessions of`,
    'fresh processes. A full GET each time (no If-None-Match). The goal is judged on the CPU time: the work.',
  ])
  const rows = (measure: string, pick: (figure: RequestRatio) => Trio) =>
    figures.map((figure) => {
      const trio = pick(figure)
      return [
        figure.request,
        measure,
        fixed(trio.without),
        fixed(trio.control),
        fixed(trio.with),
        percent(ratio(trio, 'control')),
        percent(ratio(trio, 'with')),
      ]
    })
  printTable(
    ['request', 'measure', 'without µs', 'control µs', 'with µs', 'noise (control)', 'with plugin'],
    [...rows('server CPU', (figure) => figure.cpuUs), ...rows('latency p50', (figure) => figure.latencyUs)],
  )
}

if (import.meta.url === `file://${process.argv[1]}`) {
  micro()
  printRequestRatios(await measureRequestRatios())
}
