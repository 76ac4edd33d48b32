// From a failed handshake to the doctor's terminal line and to its console group, per failure class, with
// real nginx in front of Vite and real Chromium, in both browser modes.

import {
  BROWSER_MODES,
  type BrowserMode,
  freePort,
  launchBrowser,
  type NginxSite,
  newContext,
  nginxConfig,
  PROXY_HOST,
  startNginx,
  waitFor,
} from 'hmr-doctor-playground/kit'
import type { Browser } from 'playwright-core'
import { UPGRADE_HEADERS, WEBSOCKET_MAP } from '../harness/scenario.js'
import { startVite } from '../harness/vite.js'
import { median, probedContext, stampFirstLine, stampsOf } from './support.js'

/** The goal, from the issue: the fix on screen within half a second of the failed handshake. */
export const LATENCY_GOAL_MS = 500
const RUNS = Number(process.env.HMR_DOCTOR_BENCH_RUNS ?? 5)
/** Far beyond any window of the doctor's: a run that waits this long has failed, it is not slow. */
const GIVE_UP_MS = 15_000

interface FailureClass {
  name: string
  /** What the doctor's first line starts with for this class. */
  summary: string
  site: (upstream: string) => Omit<NginxSite, 'listen'>
  /** The page runs Vite's client (and so the doctor's snippet): a socket fails and a console group follows. */
  socket: boolean
}

const CLASSES: readonly FailureClass[] = [
  {
    name: 'bare proxy_pass (upgrade dropped)',
    summary: '[hmr-doctor] nginx drops the WebSocket upgrade',
    site: (upstream) => ({ upstream }),
    socket: true,
  },
  {
    name: 'proxy_pass …$uri (query dropped)',
    summary: '[hmr-doctor] nginx drops the query string',
    site: (upstream) => ({
      upstream,
      http: WEBSOCKET_MAP,
      locationBody: `proxy_pass http://${upstream}$uri;\n${UPGRADE_HEADERS}`,
    }),
    socket: true,
  },
  {
    name: "Vite's host check (403)",
    summary: `[hmr-doctor] Vite's host check refuses "app.test"`,
    site: (upstream) => ({
      upstream,
      http: WEBSOCKET_MAP,
      location: `${UPGRADE_HEADERS}\nproxy_set_header Host app.test;`,
    }),
    socket: false,
  },
]

export interface LatencyFigure {
  failure: string
  mode: BrowserMode
  toTerminalMs: number[]
  toConsoleMs: number[]
}

async function once(
  browser: Browser,
  failure: FailureClass,
  mode: BrowserMode,
): Promise<{ terminal: number; console: number | null }> {
  const vite = await startVite()
  const terminalAt = stampFirstLine(vite.logger, failure.summary)
  const port = await freePort(PROXY_HOST)
  const nginx = await startNginx(
    nginxConfig({ ...failure.site(`${vite.host}:${vite.port}`), listen: `${PROXY_HOST}:${port}` }),
    {
      host: PROXY_HOST,
      port,
    },
  )
  const context = await probedContext(await newContext(browser, mode))
  try {
    const page = await context.newPage()
    await page.goto(`http://${PROXY_HOST}:${port}/`)
    const printed = await waitFor(`"${failure.summary}"`, terminalAt, GIVE_UP_MS)
    const stamps = await waitFor(
      'the console group',
      async () => {
        const read = await stampsOf(page)
        return (!failure.socket || read.groupAt !== null) && read
      },
      GIVE_UP_MS,
    )
    // A socket class starts when the browser saw the socket fail; the host check when the page was asked for.
    const failedAt = failure.socket ? stamps.socketFailedAt : stamps.requestStartAt
    if (failedAt === null) throw new Error(`${failure.name}: no failed socket seen`)
    return { terminal: printed - failedAt, console: stamps.groupAt === null ? null : stamps.groupAt - failedAt }
  } finally {
    await context.close()
    await nginx.stop()
    await vite.stop()
  }
}

export async function measureFailureLatency(): Promise<LatencyFigure[]> {
  const browser = await launchBrowser()
  const figures: LatencyFigure[] = []
  try {
    for (const failure of CLASSES) {
      for (const mode of BROWSER_MODES) {
        const figure: LatencyFigure = { failure: failure.name, mode, toTerminalMs: [], toConsoleMs: [] }
        for (let run = 0; run < RUNS; run++) {
          const { terminal, console } = await once(browser, failure, mode)
          figure.toTerminalMs.push(terminal)
          if (console !== null) figure.toConsoleMs.push(console)
        }
        figures.push(figure)
      }
    }
  } finally {
    await browser.close()
  }
  return figures
}

const ms = (values: readonly number[], pick: (values: readonly number[]) => number) =>
  values.length === 0 ? '–' : String(Math.round(pick(values)))

export function printFailureLatency(figures: readonly LatencyFigure[]): void {
  console.log(`\n== From a failed handshake to the fix (real nginx, Chromium; ${RUNS} runs each) ==`)
  console.log(
    '   Start: the browser saw its first vite-hmr socket close unopened (the 403 class: the page was requested).',
  )
  console.log('   Terminal: the doctor printed its summary line. Console: the doctor opened its console group.\n')
  const rows = figures.map((f) => [
    f.failure,
    f.mode,
    ms(f.toTerminalMs, median),
    ms(f.toTerminalMs, (v) => Math.max(...v)),
    ms(f.toConsoleMs, median),
    ms(f.toConsoleMs, (v) => Math.max(...v)),
  ])
  const header = ['failure class', 'browser', 'terminal p50 ms', 'max', 'console p50 ms', 'max']
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)))
  const line = (cells: readonly string[]) =>
    cells.map((cell, c) => (c < 2 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ')
  console.log(line(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const row of rows) console.log(line(row))
}

if (import.meta.url === `file://${process.argv[1]}`) printFailureLatency(await measureFailureLatency())
