// Shared by the benchmarks: a throwaway Vite project, dev servers on loopback, plain HTTP GETs, figures.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer, type PluginOption, type ViteDevServer } from 'vite'

export interface Project {
  root: string
  remove: () => void
}

/** A page and two modules: enough for Vite to transform and serve a real module import. */
export function createProject(): Project {
  const root = mkdtempSync(join(tmpdir(), 'hmr-doctor-bench-'))
  mkdirSync(join(root, 'src'))
  // create-vite's vanilla-ts page, the one a new project starts from.
  writeFileSync(
    join(root, 'index.html'),
    [
      '<!doctype html>',
      '<html lang="en">',
      '  <head>',
      '    <meta charset="UTF-8" />',
      '    <link rel="icon" type="image/svg+xml" href="/vite.svg" />',
      '    <meta name="viewport" content="width=device-width, initial-scale=1.0" />',
      '    <title>Vite + TS</title>',
      '  </head>',
      '  <body>',
      '    <div id="app"></div>',
      '    <script type="module" src="/src/main.ts"></script>',
      '  </body>',
      '</html>',
      '',
    ].join('\n'),
  )
  writeFileSync(
    join(root, 'src/greet.ts'),
    "export const greet = (name: string): string => ['Hello', name].join(', ')\n",
  )
  writeFileSync(
    join(root, 'src/main.ts'),
    [
      "import { greet } from './greet'",
      '',
      "const app = document.querySelector<HTMLDivElement>('#app')",
      "if (app) app.textContent = greet('bench')",
      '',
      'if (import.meta.hot) import.meta.hot.accept()',
      '',
    ].join('\n'),
  )
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) }
}

export interface RunningServer {
  server: ViteDevServer
  port: number
}

export async function startServer(root: string, plugins: PluginOption[]): Promise<RunningServer> {
  const server = await createServer({
    configFile: false,
    root,
    logLevel: 'silent',
    clearScreen: false,
    plugins,
    server: { host: '127.0.0.1', port: 0 },
  })
  try {
    await server.listen()
    const address = server.httpServer?.address()
    if (!address || typeof address === 'string') throw new Error('the dev server has no TCP address')
    return { server, port: (address as AddressInfo).port }
  } catch (error) {
    await server.close()
    throw error
  }
}

export interface Response {
  status: number
  body: Buffer
}

/** One GET on loopback; the agent decides whether the connection is reused. */
export function get(
  agent: http.Agent,
  port: number,
  path: string,
  headers: http.OutgoingHttpHeaders,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${path} timed out`)))
  })
}

export function median(values: readonly number[]): number {
  return percentile(values, 50)
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length) - 1
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? Number.NaN
}

export function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length
}

export function fixed(value: number, digits = 1): string {
  return value.toFixed(digits)
}

export function signed(value: number, digits = 1): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`
}

/** Left-aligned first column, right-aligned figures. */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)))
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ')
  console.log(line(header))
  console.log(widths.map((width) => '-'.repeat(width)).join('  '))
  for (const row of rows) console.log(line(row))
}

export function printHeader(title: string, how: readonly string[]): void {
  console.log(`\n== ${title} ==`)
  for (const text of how) console.log(`   ${text}`)
  console.log('')
}

export interface Timing {
  /** Nanoseconds per call, one figure per round. */
  perCallNs: number[]
  iterations: number
  /** What the last round's loop returned, so callers can show it (and the optimiser can't drop the loop). */
  result: number
}

/**
 * Times `run(iterations)` in rounds of about `roundNs`. The warm-up doubles the batch until one takes a few
 * milliseconds, then repeats it for ~100 ms so the JIT has settled; the round size comes from the median
 * batch, so one batch slowed by another process can't shrink every round.
 */
export function timeCalls(
  run: (iterations: number) => number,
  rounds: number,
  roundNs: number,
  maxIterations: number,
): Timing {
  const timeBatch = (size: number): number => {
    const start = process.hrtime.bigint()
    run(size)
    return Number(process.hrtime.bigint() - start)
  }
  let batch = 1
  while (batch < maxIterations && timeBatch(batch) < 5_000_000) batch *= 2
  const samples: number[] = []
  const warmupEnd = process.hrtime.bigint() + 100_000_000n
  while (samples.length < 5 || process.hrtime.bigint() < warmupEnd) samples.push(timeBatch(batch))
  const batchNs = Math.max(median(samples), 1)
  const iterations = Math.min(maxIterations, Math.max(1, Math.round((batch * roundNs) / batchNs)))
  const perCallNs: number[] = []
  let result = 0
  for (let round = 0; round < rounds; round++) {
    const start = process.hrtime.bigint()
    result = run(iterations)
    perCallNs.push(Number(process.hrtime.bigint() - start) / iterations)
  }
  return { perCallNs, iterations, result }
}
