import type { CloseRecord } from '../../evidence/evidence-types.js'
import { timing } from '../../shared/timing.js'
import type { Rule } from '../finding-types.js'
import { eventsOf, proxyOf, seenUpstreamOf, vouchedUpstream } from '../queries.js'

/** Closes count as one timeout when their idle times agree to within this (or 10 %). */
const IDLE_TOLERANCE_MS = 250
/**
 * No proxy times a socket out this soon; closes quicker than this are a network or a server going away,
 * and a ping interval derived from them would flood every client.
 */
export const MIN_IDLE_TIMEOUT_MS = 1000
/** The latest closes judged for steadiness: an old reading, or a loop since reconfigured, ages out of them. */
const RECENT_CLOSES = 5

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

export function tolerance(idleMs: number): number {
  return Math.max(IDLE_TOLERANCE_MS, idleMs / 10)
}

/**
 * The timeout the proxy has, from the idle times it closed at. A proxy closes a little early and a busy page
 * notes the close late, so readings scatter around the setting; settings are whole seconds in practice, so
 * the whole second at least half the readings lie near is the setting (the shorter of two, whose ping
 * interval holds for both), and any other is given in tenths.
 */
export function timeoutFrom(idleTimes: readonly number[]): number {
  const middle = median(idleTimes)
  const near = (second: number) => idleTimes.filter((ms) => Math.abs(ms - second) <= IDLE_TOLERANCE_MS).length
  const candidates = [...new Set(idleTimes.map((ms) => Math.round(ms / 1000) * 1000))]
    .filter((second) => near(second) * 2 >= idleTimes.length)
    .sort((a, b) => near(b) - near(a) || a - b)
  return candidates[0] ?? Math.round(middle / 100) * 100
}

/**
 * The closes that agree on one idle time, when most of the latest do: one late reading on a busy machine
 * must not hide a loop, and a single close or scattered ones are no timeout.
 */
export function steadyCloses(closes: readonly CloseRecord[]): CloseRecord[] | null {
  const recent = closes.slice(-RECENT_CLOSES)
  const middle = median(recent.map((close) => close.idleMs))
  const agreeing = recent.filter((close) => Math.abs(close.idleMs - middle) <= tolerance(middle))
  return agreeing.length >= 2 && agreeing.length * 2 > recent.length ? agreeing : null
}

/** Opened sockets closing at a steady idle time, page after page: a proxy's idle timeout. */
export const idleTimeout: Rule = (evidence, { serverStartedAt }) => {
  const report = evidence.reports.findLast((candidate) => candidate.closes.length >= 2)
  if (!report) return null
  // A restart or a flaky network closes at any idle time; a proxy's idle timeout closes at the same one.
  const steady = steadyCloses(report.closes.filter((close) => close.at >= serverStartedAt))
  const first = steady?.[0]
  const last = steady?.at(-1)
  if (!steady || !first || !last) return null
  const idleTimes = steady.map((close) => close.idleMs)
  const timeoutMs = timeoutFrom(idleTimes)
  if (timeoutMs < MIN_IDLE_TIMEOUT_MS) return null
  const socket = eventsOf(evidence, 'hmr-socket').findLast((request) => request.origin === report.pageOrigin)
  // The browser's clock and Vite's agree only roughly: a second of slack either side of the loop.
  const seenByVite = evidence.events.filter(
    (event) =>
      event.kind === 'hmr-socket-closed' &&
      event.request.origin === report.pageOrigin &&
      event.request.at >= first.at - 1000 &&
      event.request.at <= last.at + 1000,
  ).length
  const proxy = socket ? proxyOf(socket, evidence) : (report.announced ?? 'unknown')
  // The watcher reports the loop as it closes, before the next page can say which proxy its route names.
  // Counted from the loop's first report: each turn's report must not push the finding back again.
  const opened = evidence.reports.find(
    (candidate) => candidate.pageOrigin === report.pageOrigin && candidate.closes.length >= 2,
  )
  const settleUntil = (opened ?? report).at + timing.fallbackSettleMs
  return {
    cause: 'idle-timeout',
    proxy,
    pageOrigin: report.pageOrigin,
    timeoutMs,
    idleRangeMs: [Math.min(...idleTimes), Math.max(...idleTimes)],
    closes: steady.length,
    spanMs: last.at - (first.at - first.openForMs),
    code: last.code,
    seenByVite,
    upstream: socket ? vouchedUpstream(socket) : null,
    ...(socket ? seenUpstreamOf(socket) : {}),
    ...(proxy === 'unknown' && evidence.now < settleUntil && { pendingUntil: settleUntil }),
  }
}
