import type { ViteFacts } from '../../vite-facts.js'
import { eventsOf, failedSocketReports, fallbackFromReports } from '../queries.js'
import type { Finding, Rule } from '../types.js'

type Settings = Extract<Finding, { cause: 'socket-misdirected' }>['settings']

function originHost(origin: string): string | null {
  try {
    return new URL(origin).host
  } catch {
    return null
  }
}

function effectivePort(url: URL): number {
  if (url.port) return Number(url.port)
  return url.protocol === 'https:' || url.protocol === 'wss:' ? 443 : 80
}

/**
 * The HMR settings that make the browser dial the page's own origin: the scheme that matches the page,
 * its hostname, its port. A separate HMR port is folded into Vite's port, so the proxy that carries the
 * page carries the socket too. Null when the socket already dials the page's origin.
 */
export function settingsTowardPage(pageOrigin: string, socketUrl: string, facts: ViteFacts): Settings | null {
  let page: URL
  let socket: URL
  try {
    page = new URL(pageOrigin)
    socket = new URL(socketUrl)
  } catch {
    return null
  }
  const settings: Settings = {}
  const protocol = page.protocol === 'https:' ? 'wss' : 'ws'
  if (socket.protocol !== `${protocol}:`) settings.protocol = protocol
  if (socket.hostname !== page.hostname) settings.host = page.hostname
  if (effectivePort(socket) !== effectivePort(page)) settings.clientPort = effectivePort(page)
  const separatePort = facts.hmr.port !== undefined && facts.listen !== null && facts.hmr.port !== facts.listen.port
  if (Object.keys(settings).length === 0) return null
  if (separatePort && facts.listen) {
    settings.port = facts.listen.port
    settings.clientPort = effectivePort(page)
  }
  return settings
}

/**
 * From the browser: a failed socket aimed away from the page's origin. From the server: a socket that
 * opened, but straight to Vite (its Host is Vite's own address) from a page served elsewhere, which only
 * a browser on this machine can do.
 */
export const socketMisdirected: Rule = (evidence, { facts }) => {
  const report = failedSocketReports(evidence).at(-1)
  const failed = report?.sockets.find((socket) => !socket.opened)
  if (report && failed) {
    const settings = settingsTowardPage(report.pageOrigin, failed.url, facts)
    if (settings) {
      return {
        cause: 'socket-misdirected',
        pageOrigin: report.pageOrigin,
        socketUrl: failed.url,
        error: failed.error,
        settings,
        fallback: fallbackFromReports([report]),
      }
    }
  }
  if (facts.hmr.port === undefined) return null
  const bypass = eventsOf(evidence, 'hmr-socket').findLast(
    (socket) => socket.origin !== null && socket.host !== null && originHost(socket.origin) !== socket.host,
  )
  if (!bypass?.origin || !bypass.host) return null
  const socketUrl = `${bypass.origin.startsWith('https:') ? 'wss' : 'ws'}://${bypass.host}${facts.hmrPath}`
  const settings = settingsTowardPage(bypass.origin, socketUrl, facts)
  if (!settings) return null
  return { cause: 'socket-misdirected', pageOrigin: bypass.origin, socketUrl, error: null, settings, fallback: 'works' }
}
