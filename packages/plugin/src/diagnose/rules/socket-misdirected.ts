import { isIP } from 'node:net'
import type { RequestSnapshot } from '../../evidence/evidence-types.js'
import { isOwnAddress } from '../../evidence/local-host.js'
import { isConfigHost } from '../../safe/grammar.js'
import { effectivePort, parseUrl } from '../../safe/parse-url.js'
import { isPrivateName } from '../../vite/host-check.js'
import type { ViteFacts } from '../../vite/vite-facts.js'
import type { Rule, SocketSettings } from '../finding-types.js'
import { eventsOf, failedSocketReports, fallbackFromReports } from '../queries.js'

/**
 * A socket that reached a separate HMR port straight from the browser, past the proxy that served its page.
 * Only when the page loaded Vite's client from its own origin: a backend-rendered page loads it from Vite's.
 */
function bypassesProxy(socket: RequestSnapshot, facts: ViteFacts, clientLoads: readonly RequestSnapshot[]): boolean {
  const { port, clientPort } = facts.hmr
  if (port === undefined || clientPort !== undefined || !facts.listen || port === facts.listen.port) return false
  const page = parseUrl(socket.origin)
  if (!page || effectivePort(page) === facts.listen.port) return false
  const clientThroughPage = clientLoads.some(
    (load) => load.fetchSite === 'same-origin' && load.refererOrigin === page.origin,
  )
  return clientThroughPage && socket.host === `${page.hostname}:${port}`
}

/** Vite's socket on a port of its own, besides the one that serves pages: a second server for the proxy. */
export function hasSeparatePort(facts: ViteFacts): boolean {
  return facts.hmr.port !== undefined && facts.listen !== null && facts.hmr.port !== facts.listen.port
}

/**
 * The HMR settings that make the browser dial the origin it loaded Vite's client from (the page's own,
 * unless a backend rendered the page): the scheme that matches it, its hostname, its port. That origin
 * is proven to reach Vite. A separate HMR port is folded into Vite's port, so the proxy that carries the
 * client carries the socket too. Null when the socket already dials that origin.
 */
export function settingsTowardPage(pageOrigin: string, socketUrl: string, facts: ViteFacts): SocketSettings | null {
  const page = parseUrl(pageOrigin)
  const socket = parseUrl(socketUrl)
  if (!page || !socket) return null
  const settings: SocketSettings = {}
  const protocol = page.protocol === 'https:' ? 'wss' : 'ws'
  if (socket.protocol !== `${protocol}:`) settings.protocol = protocol
  if (socket.hostname !== page.hostname) settings.host = page.hostname
  if (effectivePort(socket) !== effectivePort(page)) settings.clientPort = effectivePort(page)
  if (Object.keys(settings).length === 0) return null
  if (hasSeparatePort(facts) && facts.listen) {
    settings.port = facts.listen.port
    settings.clientPort = effectivePort(page)
  }
  return settings
}

/**
 * A host that is at worst a wrong guess: this machine's own address, or a name no public DNS answers for.
 * Any other host a report names is where the browser would take its updates from, and is said so.
 */
function isSafeSocketHost(host: string): boolean {
  return isIP(host.replace(/^\[|\]$/g, '')) === 0 ? isPrivateName(host) : isOwnAddress(host)
}

/** Settings a config can hold: a hostname that fails its grammar is described instead (null). */
function printable(settings: SocketSettings): SocketSettings | null {
  return settings.host === undefined || isConfigHost(settings.host) ? settings : null
}

/**
 * From the browser: a failed socket aimed away from the origin that served Vite's client. From the server:
 * a socket that opened, but straight to Vite (its Host is Vite's own address) from a page served
 * elsewhere, which only a browser on this machine can do.
 */
export const socketMisdirected: Rule = (evidence, { facts }) => {
  // Middleware mode's own socket server has no dev server to fold into: socket-port-unproxied names it.
  if (facts.middlewareMode && facts.hmrServerPort !== null) return null
  const report = failedSocketReports(evidence).at(-1)
  const failed = report?.sockets.find((socket) => !socket.opened)
  if (report && failed) {
    const clientOrigin = report.clientOrigin ?? report.pageOrigin
    const settings = settingsTowardPage(clientOrigin, failed.url, facts)
    if (settings) {
      // The origin is the report's word: only the developer's typed URL (the CLI) makes it a fix. Settings
      // no config can hold are described as such whoever sent them.
      const held = printable(settings)
      const unconfirmed = held !== null && report.pageSource !== 'developer'
      const host = held?.host
      return {
        cause: 'socket-misdirected',
        clientOrigin,
        socketUrl: failed.url,
        opened: false,
        error: failed.error,
        settings: unconfirmed ? null : held,
        ...(unconfirmed && { unconfirmed: true as const }),
        ...(unconfirmed && host !== undefined && !isSafeSocketHost(host) && { unconfirmedHost: host }),
        fallback: fallbackFromReports([report]),
      }
    }
  }
  const clientLoads = eventsOf(evidence, 'client-served')
  const bypass = eventsOf(evidence, 'hmr-socket').findLast((socket) => bypassesProxy(socket, facts, clientLoads))
  if (!bypass?.origin || !bypass.host) return null
  const socketUrl = `${bypass.origin.startsWith('https:') ? 'wss' : 'ws'}://${bypass.host}${facts.hmrPath}`
  const settings = settingsTowardPage(bypass.origin, socketUrl, facts)
  if (!settings) return null
  return {
    cause: 'socket-misdirected',
    clientOrigin: bypass.origin,
    socketUrl,
    opened: true,
    error: null,
    settings: printable(settings),
    fallback: 'unknown',
  }
}
