// What the doctor adds to every request Vite serves: the classifier alone, then a real dev server with and without it.
import http, { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import { classifyRequest, type RequestScope } from '../src/evidence/server-observer.js'
import { doctorModuleMiddleware } from '../src/server/client-inject.js'
import { createHostCheck } from '../src/vite/host-check.js'
import { type Interval, sessionInterval, verdict } from './interval.js'
import { type ServerProcess, serverProcess } from './server-process.js'
import { createProject, fixed, get, mean, median, printHeader, printTable, signed, timeCalls } from './support.js'

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

/** A GET passing the doctor's routes by, as every page Vite serves does; returns 1 so the loop is kept. */
function passRoutes(req: IncomingMessage, iterations: number): number {
  let passed = 0
  const next = () => {
    passed++
  }
  const res = new ServerResponse(req)
  for (let i = 0; i < iterations; i++) doctorModuleMiddleware(req, res, next)
  return passed === iterations ? 0 : 1
}

export function micro(): void {
  printHeader("The plugin's own code per request (micro)", [
    `process.hrtime.bigint around a tight loop; ~100 ms warm-up, then ${ROUNDS} rounds of ~${ROUND_TARGET_NS / 1e6} ms each;`,
    'median ns per call. Requests are real http.IncomingMessage objects with browser-like headers. The classifier',
    "runs on every request Vite serves; the routes only on what Vite's own middlewares pass on (pages, POSTs).",
  ])
  const rows: string[][] = []
  const timed = (name: string, run: (n: number) => number): void => {
    const { perCallNs, iterations, result } = timeCalls(run, ROUNDS, ROUND_TARGET_NS, MAX_ITERATIONS)
    rows.push([
      name,
      fixed(median(perCallNs)),
      fixed(Math.min(...perCallNs)),
      fixed(Math.max(...perCallNs)),
      iterations.toLocaleString('en-US'),
      result === 0 ? 'none' : 'event',
    ])
  }
  for (const { name, req } of cases) timed(`classifyRequest: ${name}`, (n) => loop(req, n))
  const page = cases.find((entry) => entry.name.startsWith('page load'))?.req
  if (!page) throw new Error('no page request case')
  timed('routes passed by: page GET', (n) => passRoutes(page, n))
  printTable(['request', 'median ns', 'min ns', 'max ns', 'calls/round', 'result'], rows)
}

interface Kind {
  name: string
  path: string
  headers: http.OutgoingHttpHeaders
  /** Requests per server in one round: enough that a round's CPU time is milliseconds, not a clock tick. */
  perRound: number
}

const SCRIPT_HEADERS = { accept: '*/*', 'sec-fetch-dest': 'script', 'sec-fetch-mode': 'cors' }

const KINDS: readonly Kind[] = [
  {
    name: 'HTML page (/)',
    path: '/',
    headers: { accept: 'text/html', 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate' },
    perRound: 40,
  },
  { name: 'JS module (/src/main.ts)', path: '/src/main.ts', headers: SCRIPT_HEADERS, perRound: 400 },
  { name: '/@vite/client', path: '/@vite/client', headers: SCRIPT_HEADERS, perRound: 10 },
]

/**
 * Rounds per kind and session; the first WARMUP_ROUNDS only bring the JIT and the caches to a steady state.
 * Few: a session's rounds agree to a fraction of what its processes differ by, so time is better spent on
 * more sessions.
 */
const ROUNDS_PER_SESSION = Number(process.env.HMR_DOCTOR_BENCH_ROUNDS ?? 16)
const WARMUP_ROUNDS = 4

/**
 * The order in which a round serves the three servers, by round: all six, so over the 12 timed rounds each
 * server comes first, second and last equally often, and follows each other server equally often, not
 * always the same one as when the order only rotated.
 */
const ORDERS = [
  [0, 1, 2],
  [1, 2, 0],
  [2, 0, 1],
  [0, 2, 1],
  [2, 1, 0],
  [1, 0, 2],
] as const

/**
 * Sessions of fresh server processes: each process carries a bias of its own, which only more processes
 * average out; the interval narrows with the square root of this. A multiple of the three roles, so each
 * role is started first equally often.
 */
const SESSIONS = Number(process.env.HMR_DOCTOR_BENCH_SESSIONS ?? 36)

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
  /** p50 client-side latency, µs (median over sessions). */
  latencyUs: Trio
  /** Each server's CPU time per request, µs: the mean over every timed round, as the ratios divide totals. */
  cpuUs: Trio
  /**
   * The plugin's server's CPU per request over the mean of the two servers without it, minus one, over
   * each session's timed rounds: the goal's figure.
   */
  withPlugin: Interval
  /** The second server without the plugin over the first, minus one: what two identical servers differ by (A/A). */
  control: Interval
  rounds: number
}

/** The goal, from the issue: per-request work on the healthy path within 1 % of Vite alone. */
export const REQUEST_RATIO_GOAL = 0.01

/** The verdict on a per-request figure against the goal (see `verdict`). */
export const requestVerdict = (interval: Interval) => verdict(interval, REQUEST_RATIO_GOAL)

const ROLES = ['without', 'control', 'with'] as const

interface SessionFigures {
  latencyUs: Trio
  /** Per timed round, each server's CPU time per request, µs. */
  rounds: Trio[]
}

/**
 * Three servers side by side (without, a second identical one as the A/A control, with the plugin), one
 * keep-alive connection each. Each round gives every server in turn, in an order from
 * ORDERS, a block of `perRound` requests and reads that server's CPU time
 * (process.cpuUsage) at the block's ends. A block keeps
 * one server's caches warm: requests interleaved one by one across four processes on two cores each ran on
 * caches the others had just evicted, and that cost, not the servers', swung the figures by several per
 * cent. Rounds are short, so what slows the machine during one slows its three blocks alike, and the
 * round's ratios cancel it.
 */
async function session(index: number): Promise<SessionFigures[]> {
  const project = createProject()
  // One after the other (servers starting together raced on Vite's dependency cache in the shared root),
  // in an order that rotates with the session.
  const servers: ServerProcess[] = []
  const agents: http.Agent[] = []
  try {
    for (let k = 0; k < ROLES.length; k++) {
      const at = (index + k) % ROLES.length
      servers[at] = await serverProcess(project.root, ROLES[at] === 'with' ? 'with' : 'without')
    }
    const targets = servers.map((server) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
      agents.push(agent)
      return { server, agent }
    })
    const figures: SessionFigures[] = []
    for (const kind of KINDS) {
      const latencies = targets.map(() => [] as number[])
      const rounds: Trio[] = []
      for (let round = 0; round < ROUNDS_PER_SESSION; round++) {
        const timed = round >= WARMUP_ROUNDS
        const perRequest: number[] = []
        for (const at of ORDERS[round % ORDERS.length] ?? ORDERS[0]) {
          const target = targets[at]
          if (!target) continue
          const into = timed ? (latencies[at] ?? []) : []
          const before = await target.server.cpuUs()
          for (let i = 0; i < kind.perRound; i++) await timedGet(target.agent, target.server.port, kind, into)
          perRequest[at] = ((await target.server.cpuUs()) - before) / kind.perRound
        }
        const [without = Number.NaN, control = Number.NaN, withPlugin = Number.NaN] = perRequest
        if (timed) rounds.push({ without, control, with: withPlugin })
      }
      const [without = [], control = [], withPlugin = []] = latencies
      figures.push({
        latencyUs: { without: median(without), control: median(control), with: median(withPlugin) },
        rounds,
      })
    }
    return figures
  } finally {
    for (const agent of agents) agent.destroy()
    await Promise.all(servers.map((server) => server?.stop()))
    project.remove()
  }
}

export async function measureRequestRatios(): Promise<RequestRatio[]> {
  const sessions: SessionFigures[][] = []
  for (let i = 0; i < SESSIONS; i++) sessions.push(await session(i))
  return KINDS.map((kind, index) => {
    const figures = sessions.flatMap((figures) => figures[index] ?? [])
    const rounds = figures.flatMap((figure) => figure.rounds)
    const trio = (values: readonly Trio[], average: (values: readonly number[]) => number): Trio => ({
      without: average(values.map((value) => value.without)),
      control: average(values.map((value) => value.control)),
      with: average(values.map((value) => value.with)),
    })
    // A session's figure is the ratio of its timed rounds' totals, not their median: a garbage collection
    // lands in some blocks and not others, and a median over rounds leaves out the share a request has in it.
    const totals = figures.map((figure) => ({
      without: sum(figure.rounds.map((round) => round.without)),
      control: sum(figure.rounds.map((round) => round.control)),
      with: sum(figure.rounds.map((round) => round.with)),
    }))
    const ratios = (of: (total: Trio) => number) => sessionInterval(totals.map((total) => of(total) - 1))
    return {
      request: kind.name,
      latencyUs: trio(
        figures.map((figure) => figure.latencyUs),
        median,
      ),
      cpuUs: trio(rounds, mean),
      // Against both servers without the plugin: each process's own bias, halved in the baseline, widens the
      // interval less; the A/A control has one process on each side, so its spread is the wider of the two.
      withPlugin: ratios((total) => total.with / ((total.without + total.control) / 2)),
      control: ratios((total) => total.control / total.without),
      rounds: rounds.length,
    }
  })
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0)

const percent = (value: number) => `${signed(value * 100, 2)} %`

/** An interval as the summary and the README show it: the estimate, then the 95 % interval. */
export const showInterval = (interval: Interval): string =>
  `${percent(interval.estimate)} [${percent(interval.low)}, ${percent(interval.high)}]`

export function printRequestRatios(figures: readonly RequestRatio[]): void {
  printHeader('Vite dev server: per-request time without and with the plugin (macro)', [
    'Three servers on 127.0.0.1, each in a process of its own (without, a second identical one as the A/A control,',
    `with the plugin), one keep-alive connection each. ${SESSIONS} sessions of fresh processes; in each, per kind,`,
    `${ROUNDS_PER_SESSION} rounds (the first ${WARMUP_ROUNDS} discarded as warm-up); a round gives each server in turn, in all six`,
    "orders by turns, a block of requests and reads that server's CPU time (process.cpuUsage) at the block's ends.",
    "Each session's figure is the ratio of its timed rounds' CPU totals: with the plugin over the mean of the two",
    "servers without it, and the A/A control over the first; shown is their mean over sessions with a 95 % Student's t",
    'interval over sessions. A full GET each time (no If-None-Match). The goal is judged on the CPU time: met if',
    'the whole interval is within it, missed if all of it is over, else unresolved.',
  ])
  printTable(
    ['request', 'rounds', 'without µs', 'control µs', 'with µs', 'A/A control [95 %]', 'with plugin [95 %]'],
    figures.map((figure) => [
      figure.request,
      String(figure.rounds),
      fixed(figure.cpuUs.without),
      fixed(figure.cpuUs.control),
      fixed(figure.cpuUs.with),
      showInterval(figure.control),
      showInterval(figure.withPlugin),
    ]),
  )
  console.log('')
  printTable(
    ['request', 'latency p50 without µs', 'control µs', 'with µs'],
    figures.map((figure) => [
      figure.request,
      fixed(figure.latencyUs.without),
      fixed(figure.latencyUs.control),
      fixed(figure.latencyUs.with),
    ]),
  )
}

if (import.meta.url === `file://${process.argv[1]}`) {
  micro()
  printRequestRatios(await measureRequestRatios())
}
