// What a healthy page load costs with the doctor: bytes, requests, timers and terminal lines, against two
// identical servers without it (the second shows the noise), in real Chromium.

import { launchBrowser, newContext, waitFor } from 'hmr-doctor-playground/kit'
import type { Browser, Page } from 'playwright-core'
import { silenceWindowMs } from '../../packages/plugin/src/shared/timing.js'
import { type RunningVite, startVite } from '../harness/vite.js'
import { probedContext, stampsOf } from './support.js'

/** The goal, from the issue: the doctor adds at most this much to a healthy page load, source maps included. */
export const PAGE_BYTES_GOAL = 2048
const ROUNDS = Number(process.env.HMR_DOCTOR_BENCH_PAGE_ROUNDS ?? 3)

export interface PageLoad {
  /** Response bodies and headers, as Chromium counted them on the wire. */
  bytes: number
  /** HTTP requests, the HMR socket's handshake not counted. */
  requests: number
  sockets: number
  /** setTimeout/setInterval calls the page's scripts made by the time HMR was connected. */
  timers: number
}

export interface HealthyFigures {
  servers: Array<{ name: string; loads: PageLoad[]; terminalLines: number }>
}

async function load(browser: Browser, vite: RunningVite): Promise<PageLoad> {
  const context = await probedContext(await newContext(browser, 'direct'))
  try {
    const page: Page = await context.newPage()
    const responses: Promise<number>[] = []
    let sockets = 0
    page.on('requestfinished', (request) => {
      responses.push(request.sizes().then((sizes) => sizes.responseBodySize + sizes.responseHeadersSize))
    })
    page.on('websocket', () => {
      sockets += 1
    })
    const connected = new Promise<void>((resolve) =>
      page.on('console', (message) => {
        if (message.text().includes('[vite] connected.')) resolve()
      }),
    )
    await page.goto(`http://${vite.host}:${vite.port}/`)
    await connected
    await waitFor('the app to render', () => page.textContent('#message'))
    const { timers } = await stampsOf(page)
    const sizes = await Promise.all(responses)
    return { bytes: sizes.reduce((sum, size) => sum + size, 0), requests: sizes.length, sockets, timers }
  } finally {
    await context.close()
  }
}

export async function measureHealthyPage(): Promise<HealthyFigures> {
  const browser = await launchBrowser()
  const servers = [
    { name: 'without plugin', vite: await startVite({ doctor: false }) },
    { name: 'without (control)', vite: await startVite({ doctor: false }) },
    { name: 'with plugin', vite: await startVite() },
  ]
  try {
    const loads: PageLoad[][] = servers.map(() => [])
    let lastLoadAt = 0
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < servers.length; k++) {
        const index = (round + k) % servers.length
        const server = servers[index]
        if (server) loads[index]?.push(await load(browser, server.vite))
        lastLoadAt = Date.now()
      }
    }
    // Silence is the absence of a line: proved only by outlasting the doctor's longest window.
    const remaining = lastLoadAt + silenceWindowMs() - Date.now()
    if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining))
    return {
      servers: servers.map(({ name, vite }, index) => ({
        name,
        loads: loads[index] ?? [],
        terminalLines: vite.logger.text().split('\n').filter(Boolean).length,
      })),
    }
  } finally {
    await browser.close()
    for (const { vite } of servers) await vite.stop()
  }
}

/** Every load of a server must be alike; the first is the one shown. */
export function typicalLoad(loads: readonly PageLoad[]): PageLoad {
  const [first] = loads
  if (!first) throw new Error('no page load measured')
  return first
}

export function printHealthyPage(figures: HealthyFigures): void {
  console.log(`\n== A healthy page load in Chromium (${ROUNDS} loads per server, interleaved) ==`)
  console.log('   Bytes: response bodies and headers as Chromium counted them. Timers: setTimeout/setInterval calls')
  console.log(
    '   made by the page until HMR connected. Terminal lines: all the server printed, after a silence window.\n',
  )
  const header = ['server', 'bytes', 'requests', 'sockets', 'timers', 'terminal lines']
  const rows = figures.servers.map(({ name, loads, terminalLines }) => {
    const spread = (pick: (load: PageLoad) => number) => {
      const values = loads.map(pick)
      const low = Math.min(...values)
      const high = Math.max(...values)
      return low === high ? String(low) : `${low}–${high}`
    }
    return [
      name,
      spread((l) => l.bytes),
      spread((l) => l.requests),
      spread((l) => l.sockets),
      spread((l) => l.timers),
      String(terminalLines),
    ]
  })
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)))
  const line = (cells: readonly string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ')
  console.log(line(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const row of rows) console.log(line(row))
}

if (import.meta.url === `file://${process.argv[1]}`) printHealthyPage(await measureHealthyPage())
