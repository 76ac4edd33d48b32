import type { Logger } from 'vite'
import { type DiagnoseContext, diagnose, findingKey, isUnverified } from '../diagnose/diagnose.js'
import { type FailedRoute, failedRoute, recoveredBy } from '../diagnose/failed-route.js'
import type { Finding } from '../diagnose/finding-types.js'
import { tolerance } from '../diagnose/rules/idle-timeout.js'
import type { ClientReport, Evidence, PageReport, ServerEvent } from '../evidence/evidence-types.js'
import { EvidenceStore } from '../evidence/store.js'
import { renderBrowser } from '../render/browser.js'
import { renderFinding } from '../render/finding.js'
import { renderRecovered } from '../render/recovered-line.js'
import type { RenderedFinding } from '../render/rendered-types.js'
import { renderTerminal } from '../render/terminal.js'
import type { ErrorSink } from '../safe/guard.js'
import type { ReportResponse } from '../shared/protocol.js'
import { isPagesOwn, originOf, type ReportingPage } from './own-findings.js'

/**
 * Distinct findings remembered as said, per cause. Past that the one said longest ago is forgotten: made-up
 * findings of one cause can make a line repeat, never silence another finding, nor a later one of theirs.
 */
const MAX_SAID_PER_CAUSE = 16
const MAX_SAID_UNVERIFIED = 8
/** Failing routes remembered for their confirmation line once HMR works through them again. */
const MAX_FAILED_ROUTES = 16
/** An unverified finding said this long ago may be said again, so made-up ones can't crowd out a real one for good. */
const UNVERIFIED_MEMORY_MS = 10 * 60_000

/**
 * Whether Vite itself saw a token-bearing socket from `origin` close after being open at least about the
 * proxy's timeout. A report's closes can be made up, after a socket that opened and closed at once too.
 */
function viteSawTimeout(evidence: Evidence, origin: string, timeoutMs: number): boolean {
  return evidence.events.some(
    (event) =>
      event.kind === 'hmr-socket-closed' &&
      event.request.vouched &&
      event.request.origin === origin &&
      event.openForMs >= timeoutMs - tolerance(timeoutMs),
  )
}

export interface DoctorOptions {
  logger: Pick<Logger, 'warn'> & Partial<Pick<Logger, 'info'>>
  errors: ErrorSink
  context: () => DiagnoseContext
  /** The keepalive in force (rendered into the idle-timeout message), and what may start it on a finding. */
  keepalive: { readonly intervalMs: number | null; onIdleTimeout(idleMs: number): void }
  now?: () => number
}

/**
 * Joins evidence, diagnosis and rendering, once per event; a finding is printed once its verdict settles
 * (`Finding.pendingUntil`), each distinct one once while remembered.
 */
export function createDoctor({ logger, errors, context, keepalive, now = Date.now }: DoctorOptions) {
  const store = new EvidenceStore()
  const said = new Map<Finding['cause'], Set<string>>()
  const saidUnverified = new Map<string, number>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let timerAt = Number.POSITIVE_INFINITY

  const wakeAt = (at: number): void => {
    if (at === timerAt) return
    clearTimeout(timer)
    timer = undefined
    timerAt = at
    if (at === Number.POSITIVE_INFINITY) return
    timer = setTimeout(
      () => {
        timer = undefined
        timerAt = Number.POSITIVE_INFINITY
        run()
      },
      Math.max(0, at - now()),
    )
    timer.unref()
  }

  /** Whether this finding is news to the terminal; remembers it when it is. */
  const isNew = (finding: Finding, at: number): boolean => {
    const key = findingKey(finding)
    if (!isUnverified(finding)) {
      const ofCause = said.get(finding.cause) ?? new Set<string>()
      said.set(finding.cause, ofCause)
      if (ofCause.has(key)) return false
      if (ofCause.size >= MAX_SAID_PER_CAUSE) ofCause.delete(ofCause.values().next().value ?? '')
      ofCause.add(key)
      return true
    }
    for (const [old, saidAt] of saidUnverified) if (at - saidAt > UNVERIFIED_MEMORY_MS) saidUnverified.delete(old)
    if (saidUnverified.has(key) || saidUnverified.size >= MAX_SAID_UNVERIFIED) return false
    saidUnverified.set(key, at)
    return true
  }

  /**
   * One diagnosis: prints what is settled and new, schedules the rest, returns what is settled. A bug in a
   * rule or renderer is logged, and the doctor carries on with the next event.
   */
  const run = (): Array<{ finding: Finding; rendered: RenderedFinding }> => {
    try {
      return diagnoseAndPrint()
    } catch (error) {
      errors('the diagnosis', error)
      return []
    }
  }

  /** The routes of the socket failures said, each confirmed once when a socket works through it again. */
  const failedRoutes: FailedRoute[] = []
  const confirmRecovered = (evidence: Evidence): void => {
    for (const route of [...failedRoutes]) {
      const socket = recoveredBy(route, evidence)
      if (!socket) continue
      failedRoutes.splice(failedRoutes.indexOf(route), 1)
      ;(logger.info ?? logger.warn)(renderRecovered(route))
    }
  }

  const diagnoseAndPrint = (): Array<{ finding: Finding; rendered: RenderedFinding }> => {
    const at = now()
    const current = context()
    const evidence = store.snapshot(at)
    confirmRecovered(evidence)
    const findings = diagnose(evidence, current)
    const pending = findings.map((finding) => finding.pendingUntil ?? 0).filter((until) => until > at)
    wakeAt(Math.min(Number.POSITIVE_INFINITY, ...pending))
    const settled = findings.filter((finding) => (finding.pendingUntil ?? 0) <= at)
    // Pings to every tab only for a timeout Vite saw on a real socket: a report's closes alone can be made up.
    for (const finding of settled) {
      if (finding.cause === 'idle-timeout' && viteSawTimeout(evidence, finding.pageOrigin, finding.timeoutMs)) {
        keepalive.onIdleTimeout(finding.timeoutMs)
      }
    }
    const state = { keepaliveMs: keepalive.intervalMs }
    return settled.map((finding) => {
      const rendered = renderFinding(finding, current.facts, state)
      if (isNew(finding, at)) {
        logger.warn(renderTerminal(rendered))
        const route = failedRoute(finding, at)
        // The oldest route goes first, so made-up failures can't keep a genuine one from its confirmation.
        if (route && failedRoutes.push(route) > MAX_FAILED_ROUTES) failedRoutes.shift()
      }
      return { finding, rendered }
    })
  }

  /** The answer to a page's report: what is settled about that page, and nothing about any other. */
  const answerFor = (page: ReportingPage): ReportResponse => ({
    messages: run()
      .filter(({ finding }) => isPagesOwn(finding, page))
      .map(({ rendered }) => renderBrowser(rendered)),
  })

  return {
    observe(event: ServerEvent): void {
      store.addEvent(event)
      run()
    },
    report(report: ClientReport): ReportResponse {
      store.addReport(report)
      return answerFor({ origin: report.pageOrigin, clientOrigin: report.clientOrigin, url: null })
    },
    page(page: PageReport): ReportResponse {
      store.addPage(page)
      return answerFor({ origin: originOf(page.pageUrl) ?? '', clientOrigin: null, url: page.pageUrl })
    },
    close(): void {
      wakeAt(Number.POSITIVE_INFINITY)
    },
  }
}

export type Doctor = ReturnType<typeof createDoctor>
