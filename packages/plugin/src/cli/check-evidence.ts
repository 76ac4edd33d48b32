import type {
  ClientReport,
  Evidence,
  PageReport,
  ProxyKind,
  RequestSnapshot,
  ServerEvent,
  SocketRecord,
} from '../evidence/evidence-types.js'
import { HMR_PROTOCOL, type HopAnswer } from '../shared/protocol.js'
import { socketServerPort } from './check-facts.js'
import type { Observations, SocketCheck } from './observe.js'

/**
 * The check's observations as the evidence the plugin reasons on: the sockets as the browser snippet would
 * report them, and what the answers prove reached Vite, dialled with this server's own token.
 */
export function checkEvidence(observations: Observations, now: number): Evidence {
  const events: ServerEvent[] = []
  const snapshot = (path: string, fields: Partial<RequestSnapshot>): RequestSnapshot => ({
    at: now,
    method: 'GET',
    path,
    hasToken: true,
    vouched: true,
    httpVersion: '1.1',
    host: null,
    origin: observations.origin,
    connection: null,
    upgrade: null,
    wsProtocol: HMR_PROTOCOL,
    proxy: proxyOf(observations),
    localPort: null,
    fetchSite: null,
    refererOrigin: null,
    ...fields,
  })
  if (observations.blockedHost !== null) {
    events.push({
      kind: 'host-blocked',
      request: snapshot(observations.pageUrl.pathname, {
        host: observations.blockedHost,
        vouched: false,
        hasToken: false,
        wsProtocol: null,
      }),
    })
  }
  for (const path of observations.loopedRedirects) {
    events.push({
      kind: 'outside-base',
      request: snapshot(path, { vouched: false, hasToken: false, wsProtocol: null }),
    })
  }
  const primary = observations.primary
  const outcome = primary?.outcome
  if (primary && outcome?.kind === 'opened') {
    events.push({ kind: 'hmr-socket', request: snapshot(new URL(primary.url).pathname, {}) })
  }
  if (primary && outcome?.kind === 'answered' && outcome.reply.kind !== 'other') {
    const localPort = socketServerPort(observations)
    events.push({ kind: 'stripped-handshake', request: snapshot(new URL(primary.url).pathname, { localPort }) })
  }
  if (primary && observations.withoutOrigin !== null) {
    const path = new URL(primary.url).pathname
    if (observations.withoutOrigin.kind === 'opened') {
      events.push({ kind: 'handshake', request: snapshot(path, { hasToken: false, vouched: false }) })
    } else {
      // Refused with and without an Origin: the Host is what Vite refuses. The browser's Host is the
      // socket URL's; a proxy passing it on (`proxy_set_header Host $host`) sends that name.
      // The developer typed the page's URL: a socket on that very host is theirs to allow.
      const socketUrl = new URL(primary.url)
      const typed = socketUrl.hostname === observations.pageUrl.hostname
      events.push({
        kind: 'handshake',
        request: snapshot(path, { host: socketUrl.host, ...(typed && { hostSource: 'developer' as const }) }),
      })
    }
  }
  return { now, events, reports: report(observations, now), pages: pageReports(observations, now) }
}

/** The proxy that answered, from the socket's answer first (it went through every hop), then the page's. */
export function proxyOf(observations: Observations): ProxyKind {
  for (const reply of [socketReply(observations.primary), observations.page]) {
    if (reply && reply.proxy !== 'unknown') return reply.proxy
  }
  return 'unknown'
}

function socketReply(check: SocketCheck | null) {
  if (check?.outcome?.kind === 'answered') return check.outcome.reply
  return check?.probe && check.probe !== 'no-answer' ? check.probe : null
}

function hopAnswer(check: SocketCheck, viteAtRoot = false): HopAnswer | undefined {
  if (check.probe === null) return undefined
  if (check.probe === 'no-answer') return { kind: 'no-answer', status: null, server: null }
  const { kind, status, server, poweredBy, expressPage } = check.probe
  return {
    kind,
    status,
    server,
    ...(poweredBy !== undefined && { poweredBy }),
    ...(expressPage && { errorPage: 'express' as const }),
    ...(viteAtRoot && kind === 'vite-page' && { viteAtRoot: true as const }),
  }
}

function socketRecord(check: SocketCheck, atVite: Observations['atVite'] = null, viteAtRoot = false): SocketRecord {
  const outcome = check.outcome
  const opened = outcome?.kind === 'opened'
  const hop = hopAnswer(check, viteAtRoot)
  // Hung through the hop while Vite, dialled straight, opened it: a browser's socket would hang the same.
  const viteOpened = outcome?.kind === 'timeout' && atVite?.kind === 'opened'
  return {
    url: check.url,
    opened,
    // Only an idle close ends an opened socket here; a failed one ends as the browser's does: 1006.
    closeCode: opened ? null : 1006,
    openedAfterMs: opened ? outcome.afterMs : null,
    closedAfterMs: opened || !outcome ? null : outcome.afterMs,
    error: check.blocked,
    ...(hop ? { hop } : {}),
    ...(viteOpened && { hangingAfterMs: outcome.afterMs, viteOpened: true as const }),
  }
}

function report(observations: Observations, now: number): ClientReport[] {
  const sockets = [observations.primary, observations.direct].filter((check): check is SocketCheck => check !== null)
  if (sockets.length === 0) return []
  return [
    {
      at: now,
      pageSource: 'developer',
      pageOrigin: observations.origin,
      clientOrigin: observations.client?.origin ?? null,
      sockets: sockets.map((check) =>
        check === observations.primary
          ? socketRecord(check, observations.atVite, observations.viteAtRoot)
          : socketRecord(check),
      ),
      closes: (observations.idle?.closes ?? []).map((close) => ({ at: now, ...close })),
    },
  ]
}

/**
 * A page whose client tag failed, as the page's own report would say it: the path it arrived under at Vite
 * is the page's path less the directory under which the client was found after all (a stripped prefix).
 */
function pageReports(observations: Observations, now: number): PageReport[] {
  const tag = observations.clientTag
  if (tag === null || observations.client?.href === tag.url.href) return []
  const path = observations.pageUrl.pathname
  const found = observations.client?.pathname.replace(/@vite\/client$/, '') ?? null
  const arrivedPath = found !== null && path.startsWith(found) ? `/${path.slice(found.length)}` : path
  return [
    {
      at: now,
      pageSource: 'developer',
      pageUrl: observations.pageUrl.href,
      arrivedPath,
      host: null,
      proxy: proxyOf(observations),
    },
  ]
}
