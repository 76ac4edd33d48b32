import { hostnameOf, isHostAllowedByVite, isPlainHostname } from '../../host-check.js'
import { eventsOf } from '../queries.js'
import type { Rule } from '../types.js'

/**
 * A Host that Vite's check refuses: page requests (which Vite answers 403 without a log line) or an HMR
 * handshake on the right path (which Vite answers 400, silently). The WebSocket check runs even over https.
 */
export const hostRejected: Rule = (evidence, { facts }) => {
  // Only names that could be allowed as they are: anything else is no proxy setup, and not worth a fix.
  const page = eventsOf(evidence, 'host-blocked').findLast((request) => isPlainHostname(hostnameOf(request.host ?? '')))
  if (page?.host) return { cause: 'host-rejected', via: 'page', request: page, hostname: hostnameOf(page.host) }
  const handshake = eventsOf(evidence, 'handshake').findLast(
    (request) =>
      request.path === facts.hmrPath &&
      request.host !== null &&
      isPlainHostname(hostnameOf(request.host)) &&
      !isHostAllowedByVite(hostnameOf(request.host), facts.allowedHosts),
  )
  if (!handshake?.host) return null
  return { cause: 'host-rejected', via: 'handshake', request: handshake, hostname: hostnameOf(handshake.host) }
}
