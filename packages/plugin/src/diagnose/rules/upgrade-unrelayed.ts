import type { ClientReport, Evidence, ServerEvent, SocketRecord } from '../../evidence/evidence-types.js'
import { timing } from '../../shared/timing.js'
import { cutSockets } from '../cut-sockets.js'
import type { Finding, Rule } from '../finding-types.js'
import { failedSocketReports } from '../queries.js'

/**
 * The page's socket still connecting while Vite answered its handshake 101: a hop forwarded the upgrade as a
 * plain request and dropped the answer. Only token-carrying handshakes count: anyone can forge one.
 */
export const upgradeUnrelayed: Rule = (evidence, { facts }) => {
  const report = failedSocketReports(evidence).findLast((candidate) =>
    candidate.sockets.some((socket) => socket.hangingAfterMs !== undefined),
  )
  const hanging = report?.sockets.find((socket) => socket.hangingAfterMs !== undefined)
  if (!report || hanging?.hangingAfterMs === undefined) return null
  if (hanging.ping) return fromPing(evidence, report, hanging, hanging.hangingAfterMs)
  const counts = (event: ServerEvent) =>
    event.request.origin === report.pageOrigin &&
    (!facts.issuesToken || event.request.vouched) &&
    event.request.at <= report.at
  const [cut] = cutSockets(evidence, counts)
  if (!cut)
    // Another Vite's client at the page's origin: vite-proxy-unrelayed names that hop and its option.
    return hanging.viteOpened && hanging.hop?.kind === 'vite-page' && !hanging.hop.viteAtRoot
      ? fromOutside(report.pageOrigin, hanging, hanging.hangingAfterMs)
      : null
  return {
    cause: 'upgrade-unrelayed',
    pageOrigin: report.pageOrigin,
    socketUrl: hanging.url,
    hangingAfterMs: hanging.hangingAfterMs,
    handshake: cut.accepted?.request ?? cut.closed.request,
    cutAfterMs: cut.closed.openForMs,
    nodeClient: cut.accepted?.nodeClient === true && !haproxyLoadedClient(evidence, report.pageOrigin),
  }
}

/**
 * HAProxy lowercases every header name as Node's HTTP client sends them, handshakes alike; on a plain
 * request it also drops `Connection`, which Node's proxies (http-proxy, httpxy, http-proxy-3) keep. A
 * client load from the page's origin with lowercase names and no `Connection` says HAProxy is on the way,
 * and the Node proxy's lines are then not printed (docs/causes/upgrade-unrelayed.md).
 */
function haproxyLoadedClient(evidence: Evidence, pageOrigin: string): boolean {
  return evidence.events.some(
    (event) =>
      event.kind === 'client-served' &&
      (event.request.refererOrigin ?? event.request.origin) === pageOrigin &&
      event.request.proxy === 'haproxy' &&
      event.request.connection === null,
  )
}

/**
 * The CLI's proof, from outside: the hop routes the socket's URL to Vite over plain HTTP, its handshake hangs
 * there, and Vite dialled straight opens it. Only Express's own mark says the hop is a Node proxy.
 */
function fromOutside(pageOrigin: string, hanging: SocketRecord, hangingAfterMs: number): Finding {
  return {
    cause: 'upgrade-unrelayed',
    pageOrigin,
    socketUrl: hanging.url,
    hangingAfterMs,
    handshake: null,
    cutAfterMs: null,
    nodeClient: hanging.hop?.poweredBy === 'Express',
    dialledAtVite: true,
  }
}

type PingAnswered = Extract<ServerEvent, { kind: 'ping-answered' }>

/**
 * The page's restart probe hangs while Vite answered a ping from that page's origin 101 and the connection
 * ended right after. A ping carries no token: the page's report (with the snippet's secret) is what says it
 * hangs; the ping only says the hop took it to Vite, and no value of it is printed.
 */
function fromPing(
  evidence: Evidence,
  report: ClientReport,
  hanging: SocketRecord,
  hangingAfterMs: number,
): Finding | null {
  const ping = evidence.events.findLast(
    (event): event is PingAnswered =>
      event.kind === 'ping-answered' &&
      event.request.origin === report.pageOrigin &&
      event.request.at <= report.at &&
      event.openForMs < timing.pendingSocketMs,
  )
  if (!ping) return null
  return {
    cause: 'upgrade-unrelayed',
    pageOrigin: report.pageOrigin,
    socketUrl: hanging.url,
    hangingAfterMs,
    handshake: ping.request,
    cutAfterMs: ping.openForMs,
    nodeClient: ping.nodeClient === true && !haproxyLoadedClient(evidence, report.pageOrigin),
    ping: true,
  }
}
