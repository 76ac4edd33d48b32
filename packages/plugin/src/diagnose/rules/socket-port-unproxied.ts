import type { RequestSnapshot } from '../../evidence/evidence-types.js'
import { effectivePort, parseUrl } from '../../safe/parse-url.js'
import type { ViteFacts } from '../../vite/vite-facts.js'
import type { Rule } from '../finding-types.js'
import { eventsOf, failedSocketReports } from '../queries.js'

/**
 * The port of Vite's own socket server in middleware mode, when the browser dials it as it stands: with no
 * `clientPort`, Vite's client dials the page's hostname at that port, past whatever carried the page.
 */
function unproxiedPort(facts: ViteFacts): number | null {
  if (!facts.middlewareMode || facts.hmrServerPort === null || facts.hmr.clientPort !== undefined) return null
  return facts.hmrServerPort
}

/**
 * Whether the page at `origin` reached the app through something that forwards it (a proxy, a port
 * mapping): the page loaded Vite's client from its own origin, and that load landed on another port than
 * the one in the page's address. A browser talking to the app itself lands on the port it names.
 */
function cameThroughForwarder(origin: URL, clientLoads: readonly RequestSnapshot[]): boolean {
  return clientLoads.some(
    (load) =>
      load.fetchSite === 'same-origin' &&
      load.refererOrigin === origin.origin &&
      load.localPort !== null &&
      load.localPort !== effectivePort(origin),
  )
}

/**
 * Middleware mode without `server.ws.server`: Vite serves the socket on a second port of its own, which
 * the proxy in front of the app doesn't carry.
 */
export const socketPortUnproxied: Rule = (evidence, { facts }) => {
  const port = unproxiedPort(facts)
  if (port === null) return null
  const report = failedSocketReports(evidence).at(-1)
  const failed = report?.sockets.find((socket) => !socket.opened)
  if (report && failed) {
    const clientOrigin = report.clientOrigin ?? report.pageOrigin
    const client = parseUrl(clientOrigin)
    const socket = parseUrl(failed.url)
    if (client && socket && effectivePort(socket) === port && effectivePort(client) !== port) {
      return { cause: 'socket-port-unproxied', clientOrigin, socketUrl: failed.url, opened: false, port }
    }
  }
  const clientLoads = eventsOf(evidence, 'client-served')
  const bypass = eventsOf(evidence, 'hmr-socket').findLast((socket) => {
    const page = parseUrl(socket.origin)
    return (
      (socket.vouched || !facts.issuesToken) &&
      page !== null &&
      socket.host === `${page.hostname}:${port}` &&
      cameThroughForwarder(page, clientLoads)
    )
  })
  if (!bypass?.origin || !bypass.host) return null
  const scheme = bypass.origin.startsWith('https:') ? 'wss' : 'ws'
  return {
    cause: 'socket-port-unproxied',
    clientOrigin: bypass.origin,
    socketUrl: `${scheme}://${bypass.host}${facts.hmrPath}`,
    opened: true,
    port,
  }
}
