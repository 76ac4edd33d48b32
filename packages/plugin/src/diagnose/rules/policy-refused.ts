import { effectivePort, parseUrl } from '../../safe/parse-url.js'
import type { Rule } from '../finding-types.js'

const WS_OF: Record<string, string> = { 'http:': 'ws:', 'https:': 'wss:' }

/** The sources of `name` in a policy, or null when it has no such directive. */
function directiveSources(policy: string, name: string): string[] | null {
  for (const part of policy.split(';')) {
    const [directive, ...sources] = part.trim().split(/\s+/)
    if (directive?.toLowerCase() === name) return sources.filter((source) => source.length > 0)
  }
  return null
}

/**
 * The page's own Content-Security-Policy refused its HMR socket (the browser said so in a
 * `securitypolicyviolation` event). CSP3 matches `'self'` for ws: at the page's own host and port; an
 * `http:` source never matches a `ws:` URL.
 */
export const policyRefused: Rule = (evidence) => {
  for (const report of [...evidence.reports].reverse()) {
    for (const refusal of report.refusals ?? []) {
      const blocked = parseUrl(refusal.blockedUri)
      const failed = report.sockets.find((socket) => !socket.opened && parseUrl(socket.url)?.origin === blocked?.origin)
      const socket = parseUrl(failed?.url)
      const page = parseUrl(report.pageOrigin)
      if (!failed || !socket || !page) continue
      const own = WS_OF[page.protocol] === socket.protocol || (socket.protocol === 'wss:' && page.protocol === 'https:')
      const self = own && socket.hostname === page.hostname && effectivePort(socket) === effectivePort(page)
      const sources = directiveSources(refusal.policy, 'connect-src') ?? directiveSources(refusal.policy, 'default-src')
      return {
        cause: 'policy-refused',
        pageOrigin: report.pageOrigin,
        socketUrl: failed.url,
        directive: refusal.directive,
        policy: refusal.policy,
        source: self ? "'self'" : socket.origin.replace(/^http/, 'ws'),
        sources,
      }
    }
  }
  return null
}
