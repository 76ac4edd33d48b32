import type { Rule } from '../finding-types.js'
import { eventsOf, proxyOf, seenUpstreamOf, vouchedUpstream } from '../queries.js'

/** Closes count as one timeout when their idle times agree to within this (or 10 %). */
const IDLE_TOLERANCE_MS = 250
/**
 * No proxy times a socket out this soon; closes quicker than this are a network or a server going away,
 * and a ping interval derived from them would flood every client.
 */
export const MIN_IDLE_TIMEOUT_MS = 1000

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

/** Opened sockets closing at a steady idle time, page after page: a proxy's idle timeout. */
export const idleTimeout: Rule = (evidence, { serverStartedAt }) => {
  const report = evidence.reports.findLast((candidate) => candidate.closes.length >= 2)
  if (!report) return null
  const closes = report.closes.filter((close) => close.at >= serverStartedAt)
  const first = closes[0]
  const last = closes.at(-1)
  if (closes.length < 2 || !first || !last) return null
  const idleMs = median(closes.map((close) => close.idleMs))
  // A restart or a flaky network closes at any idle time; a proxy's idle timeout closes at the same one.
  const steady = closes.every((close) => Math.abs(close.idleMs - idleMs) <= Math.max(IDLE_TOLERANCE_MS, idleMs / 10))
  if (!steady || idleMs < MIN_IDLE_TIMEOUT_MS) return null
  const socket = eventsOf(evidence, 'hmr-socket').findLast((request) => request.origin === report.pageOrigin)
  // The browser's clock and Vite's agree only roughly: a second of slack either side of the loop.
  const seenByVite = evidence.events.filter(
    (event) =>
      event.kind === 'hmr-socket-closed' &&
      event.request.origin === report.pageOrigin &&
      event.request.at >= first.at - 1000 &&
      event.request.at <= last.at + 1000,
  ).length
  return {
    cause: 'idle-timeout',
    proxy: socket ? proxyOf(socket, evidence) : (report.announced ?? 'unknown'),
    pageOrigin: report.pageOrigin,
    idleMs,
    closes: closes.length,
    spanMs: last.at - (first.at - first.openForMs),
    code: last.code,
    seenByVite,
    upstream: socket ? vouchedUpstream(socket) : null,
    ...(socket ? seenUpstreamOf(socket) : {}),
  }
}
