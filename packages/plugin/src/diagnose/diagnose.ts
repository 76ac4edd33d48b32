import type { ClientReport, Evidence, RequestSnapshot, ServerEvent } from '../evidence/types.js'
import type { ViteFacts } from '../vite-facts.js'
import type { FallbackState, Finding } from './types.js'

export interface DiagnoseContext {
  facts: ViteFacts
  /** How long a loaded client may go without a socket before that counts as evidence. */
  socketGraceMs: number
}

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

/** Specific causes first: a generic finding is dropped when a specific one explains the same failure. */
const SPECIFIC: Rule[] = [upgradeStripped]
const GENERIC: Rule[] = [socketNeverArrived]

export function diagnose(evidence: Evidence, context: DiagnoseContext): Finding[] {
  const run = (rules: Rule[]) => rules.map((rule) => rule(evidence, context)).filter((f): f is Finding => f !== null)
  const specific = run(SPECIFIC)
  return specific.length > 0 ? specific : run(GENERIC)
}

/** One key per distinct cause and place, so the terminal says each thing once. */
export function findingKey(finding: Finding): string {
  return finding.cause === 'upgrade-stripped'
    ? `${finding.cause} ${finding.handshake.path}`
    : `${finding.cause} ${finding.socketUrl ?? finding.pageOrigin ?? ''}`
}
