import type { Evidence, ProxyKind, RequestSnapshot } from '../evidence/evidence-types.js'
import { parseUrl } from '../safe/parse-url.js'
import { timing } from '../shared/timing.js'
import type { Finding } from './finding-types.js'
import { eventsOf } from './queries.js'

/** Where a diagnosed socket failure happened, as a later socket that reached Vite there would show it. */
export interface FailedRoute {
  /** The page whose socket failed. */
  origin: string
  /** The Host that socket arrived with, or dialled: what tells the route when no proxy's marks do. */
  host: string
  path: string
  /** The proxy on that route, when its marks named it: then only a socket with the same marks is through it. */
  proxy: ProxyKind
  /** When the failure was said; only sockets after it count. */
  saidAt: number
}

/**
 * The route of a socket failure, for the findings that name one: the flattened handshake as it arrived, or
 * the socket URL the page dialled (which a proxy that passes the Host on shows as the Host).
 */
export function failedRoute(finding: Finding, saidAt: number): FailedRoute | null {
  if (finding.cause === 'upgrade-stripped') {
    const { origin, host, path, proxy } = finding.handshake
    return origin && host ? { origin, host, path, proxy, saidAt } : null
  }
  if (finding.cause !== 'socket-never-arrived' && finding.cause !== 'proxy-error') return null
  const socket = parseUrl(finding.socketUrl)
  const proxy = finding.proxy ?? 'unknown'
  return socket && finding.pageOrigin
    ? { origin: finding.pageOrigin, host: socket.host, path: socket.pathname, proxy, saidAt }
    : null
}

/**
 * A socket Vite accepted on that route after the failure was said: same page and path, through the same
 * proxy (by its marks, or else by Host with no flattened handshake from that page just before).
 */
export function recoveredBy(route: FailedRoute, evidence: Evidence): RequestSnapshot | null {
  const failures = eventsOf(evidence, 'stripped-handshake').filter((request) => request.origin === route.origin)
  const throughRoute = (socket: RequestSnapshot): boolean =>
    route.proxy !== 'unknown'
      ? socket.proxy === route.proxy
      : socket.host === route.host &&
        !failures.some((failure) => failure.at <= socket.at && socket.at - failure.at <= timing.fallbackSettleMs)
  return (
    eventsOf(evidence, 'hmr-socket').find(
      (socket) =>
        socket.vouched &&
        socket.at > route.saidAt &&
        socket.origin === route.origin &&
        socket.path === route.path &&
        throughRoute(socket),
    ) ?? null
  )
}
