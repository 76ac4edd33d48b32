// What the doctor adds to a module request, measured where it can be told apart from the noise: one server
// process serving each request in turn as Vite alone, as Vite alone again (A/A), and with the plugin (see
// alternating.ts). Between processes (request-overhead.ts) a module's figure swings by several per cent
// from one pair of processes to the next, so its interval straddles the 1 % goal whatever the plugin does.
import http from 'node:http'
import { type Interval, sessionInterval } from './interval.js'
import { showInterval, type Trio } from './request-overhead.js'
import { serverProcess } from './server-process.js'
import { createProject, fixed, get, mean, printHeader, printTable } from './support.js'

const MODULE = {
  path: '/src/main.ts',
  headers: { accept: '*/*', 'sec-fetch-dest': 'script', 'sec-fetch-mode': 'cors' },
}

/** Fresh processes: whatever one process's layout does to the plugin's share, several average out. */
const SESSIONS = Number(process.env.HMR_DOCTOR_BENCH_ALTERNATING_SESSIONS ?? 8)
/** Blocks per session: each reads every role's median over its requests, so one slow moment moves no figure. */
const BLOCKS = 16
/** Requests per block, a multiple of the six orders' 18 requests, so every role has a third of them. */
const PER_BLOCK = 1_206
/** Requests before the first block: the JIT settles and Vite's transform cache is filled. */
const WARMUP = 3_600

export interface ModuleAlternation {
  /** Per role, the mean over every block of its median, ns. */
  medianNs: Trio
  /** With the plugin over the mean of the two alone roles, minus one, over sessions: the goal's figure. */
  withPlugin: Interval
  /** The control over Vite alone, minus one: what two identical roles differ by (A/A). */
  control: Interval
  sessions: number
  requests: number
}

async function session(): Promise<Trio> {
  const project = createProject()
  const server = await serverProcess(project.root, 'alternating')
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  try {
    const serve = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const res = await get(agent, server.port, MODULE.path, MODULE.headers)
        if (res.status !== 200) throw new Error(`GET ${MODULE.path} answered ${res.status}`)
      }
    }
    await serve(WARMUP)
    await server.roleMediansNs()
    const blocks: number[][] = []
    for (let block = 0; block < BLOCKS; block++) {
      await serve(PER_BLOCK)
      blocks.push(await server.roleMediansNs())
    }
    const role = (index: number) => mean(blocks.map((medians) => medians[index] ?? Number.NaN))
    return { without: role(0), control: role(1), with: role(2) }
  } finally {
    agent.destroy()
    await server.stop()
    project.remove()
  }
}

export async function measureModuleAlternation(): Promise<ModuleAlternation> {
  const sessions: Trio[] = []
  for (let i = 0; i < SESSIONS; i++) sessions.push(await session())
  return {
    medianNs: {
      without: mean(sessions.map((figure) => figure.without)),
      control: mean(sessions.map((figure) => figure.control)),
      with: mean(sessions.map((figure) => figure.with)),
    },
    withPlugin: sessionInterval(sessions.map((figure) => figure.with / ((figure.without + figure.control) / 2) - 1)),
    control: sessionInterval(sessions.map((figure) => figure.control / figure.without - 1)),
    sessions: SESSIONS,
    requests: SESSIONS * BLOCKS * PER_BLOCK,
  }
}

export function printModuleAlternation(figure: ModuleAlternation): void {
  printHeader('A JS module request, alone and with the plugin in turn, in one server (alternating)', [
    "One dev server with the plugin; each request is served in turn as Vite alone (Node's request event to",
    "Vite's app, over Vite's middleware stack without the plugin's layers), as Vite alone again (the A/A control),",
    'and with the plugin (the listeners, the app entry and the layers it put on the path), all six orders by',
    "turns. Each request's time is Node's, from its start to its response's finish. " +
      `${figure.sessions} sessions of a fresh process,`,
    `${BLOCKS} blocks of ${PER_BLOCK} requests each after ${WARMUP} to warm up; a role's figure is the mean of its block medians.`,
    "Shown is the ratio's mean over sessions with a 95 % Student's t interval, judged as the CPU figures are: the",
    'time a request takes in Vite is less than the CPU time it costs the server, so the share is if anything overstated.',
  ])
  printTable(
    ['request', 'alone ns', 'control ns', 'with ns', 'with − alone', 'A/A control [95 %]', 'with plugin [95 %]'],
    [
      [
        'JS module (/src/main.ts)',
        fixed(figure.medianNs.without, 0),
        fixed(figure.medianNs.control, 0),
        fixed(figure.medianNs.with, 0),
        `${fixed(figure.medianNs.with - (figure.medianNs.without + figure.medianNs.control) / 2, 0)} ns`,
        showInterval(figure.control),
        showInterval(figure.withPlugin),
      ],
    ],
  )
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printModuleAlternation(await measureModuleAlternation())
}
