// What one diagnosis costs: it runs after each suspicious request settles and on each browser report.
import { type DiagnoseContext, diagnose } from '../src/diagnose/diagnose.js'
import type { ClientReport, Evidence, ServerEvent } from '../src/evidence/evidence-types.js'
import { clientServed, evidence, hmrSocket, report, socket, stripped, viteFacts } from '../test/fixtures.js'
import { fixed, median, printHeader, printTable, timeCalls } from './support.js'

const ROUNDS = 7
const ROUND_TARGET_NS = 40_000_000
const MAX_ITERATIONS = 1_000_000

// The store's bounds (src/evidence/store.ts) and a report's (src/evidence/client-report.ts).
const MAX_ITEMS = 64
const MAX_SOCKETS = 8
const MAX_CLOSES = 8

const NOW = 1_000_000

const context: DiagnoseContext = {
  facts: viteFacts(),
  socketGraceMs: 4000,
  serverStartedAt: 0,
}

/** A store at its bounds, holding a story every rule has to read through: nginx flattening handshakes,
 * pages reloading, the direct fallback working, reports with full socket and close lists. */
function fullEvidence(): Evidence {
  const events: ServerEvent[] = []
  for (let i = 0; i < MAX_ITEMS; i++) {
    const at = NOW - 50_000 + i * 500
    const shape = i % 3
    events.push(shape === 0 ? clientServed(at) : shape === 1 ? stripped(at) : hmrSocket(at))
  }
  const reports: ClientReport[] = []
  for (let i = 0; i < MAX_ITEMS; i++) {
    const at = NOW - 50_000 + i * 700
    const sockets = Array.from({ length: MAX_SOCKETS }, (_, k) =>
      socket(k % 2 === 0 ? {} : { url: 'ws://127.0.0.1:5173/?token=…', opened: true, closeCode: null }),
    )
    const closes = Array.from({ length: MAX_CLOSES }, (_, k) => ({
      at: at - (MAX_CLOSES - k) * 61_000,
      openForMs: 60_500,
      idleMs: 60_000 + (k % 3) * 40,
      code: 1006,
    }))
    reports.push({ ...report(at, sockets), closes })
  }
  return evidence(NOW, events, reports)
}

function loop(input: Evidence, iterations: number): number {
  let findings = 0
  for (let i = 0; i < iterations; i++) findings += diagnose(input, context).length
  return findings
}

function measure(name: string, input: Evidence): string[] {
  const { perCallNs, iterations, result } = timeCalls((n) => loop(input, n), ROUNDS, ROUND_TARGET_NS, MAX_ITERATIONS)
  const perCallUs = perCallNs.map((ns) => ns / 1000)
  return [
    name,
    `${input.events.length}/${input.reports.length}`,
    fixed(median(perCallUs), 2),
    fixed(Math.min(...perCallUs), 2),
    fixed(Math.max(...perCallUs), 2),
    iterations.toLocaleString('en-US'),
    String(result / iterations),
  ]
}

export function benchDiagnose(): void {
  printHeader('diagnose(): cost per call', [
    `process.hrtime.bigint around a loop of calls on the same evidence; ~100 ms warm-up, then ${ROUNDS} rounds of`,
    `~${ROUND_TARGET_NS / 1e6} ms each; median µs per call. Full = the store at its bounds: ${MAX_ITEMS} events, ${MAX_ITEMS} reports`,
    `of ${MAX_SOCKETS} sockets and ${MAX_CLOSES} closes each (shapes from test/fixtures.ts).`,
  ])
  printTable(
    ['evidence', 'events/reports', 'median µs', 'min µs', 'max µs', 'calls/round', 'findings'],
    [measure('full store', fullEvidence()), measure('empty store', evidence(NOW, []))],
  )
}

if (import.meta.url === `file://${process.argv[1]}`) benchDiagnose()
