import type { ClientReport, Evidence, RequestSnapshot, ServerEvent } from '../evidence/types.js'
import type { ViteFacts } from '../vite-facts.js'
import type { FallbackState, Finding } from './types.js'

export interface DiagnoseContext {
  facts: ViteFacts
  /** How long a loaded client may go without a socket before that counts as evidence. */
  socketGraceMs: number
  /** Closes before this server started are its predecessor's shutdown (a restart), not the proxy. */
  serverStartedAt: number
  /** The doctor's keepalive interval in force, or null. */
  keepaliveMs: number | null
}

/** Closes count as one timeout when their idle times agree to within this (or 10 %). */
const IDLE_TOLERANCE_MS = 250

type Rule = (evidence: Evidence, context: DiagnoseContext) => Finding | null

function eventsOf<K extends ServerEvent['kind']>(evidence: Evidence, kind: K): RequestSnapshot[] {
  return evidence.events.filter((event) => event.kind === kind).map((event) => event.request)
}

function failedSocketReports(evidence: Evidence): ClientReport[] {
  return evidence.reports.filter((report) => report.sockets.some((socket) => !socket.opened))
}

function fallbackFromReports(reports: readonly ClientReport[]): FallbackState {
  const last = reports.at(-1)
  if (!last || last.sockets.length < 2) return 'unknown'
  return last.sockets.some((socket) => socket.opened) ? 'works' : 'fails'
}

const upgradeStripped: Rule = (evidence) => {
  const handshake = eventsOf(evidence, 'stripped-handshake')
    .filter((request) => request.wsProtocol === 'vite-hmr')
    .at(-1)
  if (!handshake) return null
  const directSocket = eventsOf(evidence, 'hmr-socket').some(
    (socket) => socket.at >= handshake.at && socket.origin !== null && socket.origin === handshake.origin,
  )
  const reported = fallbackFromReports(evidence.reports)
  return {
    cause: 'upgrade-stripped',
    proxy: handshake.proxy,
    handshake,
    pageOrigin: handshake.origin ?? evidence.reports.at(-1)?.pageOrigin ?? null,
    fallback: directSocket ? 'works' : reported,
  }
}

const socketNeverArrived: Rule = (evidence, { socketGraceMs }) => {
  const reached = [...eventsOf(evidence, 'hmr-socket'), ...eventsOf(evidence, 'stripped-handshake')]
  const report = failedSocketReports(evidence).at(-1)
  if (report) {
    const failed = report.sockets.find((socket) => !socket.opened)
    const viteSawIt = reached.some((request) => request.origin === report.pageOrigin && !(request.at > report.at))
    const fallback = fallbackFromReports([report])
    if (!viteSawIt || fallback === 'works') {
      return { cause: 'socket-never-arrived', pageOrigin: report.pageOrigin, socketUrl: failed?.url ?? null, fallback }
    }
  }
  const orphan = eventsOf(evidence, 'client-served').find(
    (served) => evidence.now - served.at >= socketGraceMs && !reached.some((request) => request.at >= served.at),
  )
  if (!orphan) return null
  const scheme = orphan.forwardedProto ?? 'http'
  const host = orphan.forwardedHost ?? orphan.host
  return {
    cause: 'socket-never-arrived',
    pageOrigin: host ? `${scheme}://${host}` : null,
    socketUrl: null,
    fallback: 'unknown',
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

const idleTimeout: Rule = (evidence, { serverStartedAt, keepaliveMs }) => {
  const report = evidence.reports.findLast((candidate) => candidate.closes.length >= 2)
  if (!report) return null
  const closes = report.closes.filter((close) => close.at >= serverStartedAt)
  const first = closes[0]
  const last = closes.at(-1)
  if (closes.length < 2 || !first || !last) return null
  const idleMs = median(closes.map((close) => close.idleMs))
  // A restart or a flaky network closes at any idle time; a proxy's idle timeout closes at the same one.
  const steady = closes.every((close) => Math.abs(close.idleMs - idleMs) <= Math.max(IDLE_TOLERANCE_MS, idleMs / 10))
  if (!steady) return null
  const socket = eventsOf(evidence, 'hmr-socket').findLast((request) => request.origin === report.pageOrigin)
  return {
    cause: 'idle-timeout',
    proxy: socket?.proxy ?? 'unknown',
    pageOrigin: report.pageOrigin,
    idleMs,
    closes: closes.length,
    spanMs: last.at - (first.at - first.openForMs),
    code: last.code,
    keepaliveMs,
  }
}

/** Specific causes first: a generic finding is dropped when a specific one explains the same failure. */
const SPECIFIC: Rule[] = [upgradeStripped, idleTimeout]
const GENERIC: Rule[] = [socketNeverArrived]

export function diagnose(evidence: Evidence, context: DiagnoseContext): Finding[] {
  const run = (rules: Rule[]) => rules.map((rule) => rule(evidence, context)).filter((f): f is Finding => f !== null)
  const specific = run(SPECIFIC)
  return specific.length > 0 ? specific : run(GENERIC)
}

/** One key per distinct cause and place, so the terminal says each thing once. */
export function findingKey(finding: Finding): string {
  switch (finding.cause) {
    case 'upgrade-stripped':
      return `${finding.cause} ${finding.handshake.path}`
    case 'idle-timeout':
      return `${finding.cause} ${finding.pageOrigin} ${Math.round(finding.idleMs / 1000)}`
    case 'socket-never-arrived':
      return `${finding.cause} ${finding.socketUrl ?? finding.pageOrigin ?? ''}`
  }
}
