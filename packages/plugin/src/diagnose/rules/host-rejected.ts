import type { RequestSnapshot } from '../../evidence/evidence-types.js'
import { couldBeAllowed, hostnameOf, isHostAllowedByVite, isPrivateName } from '../../vite/host-check.js'
import type { Rule } from '../finding-types.js'
import { eventsOf } from '../queries.js'

/**
 * The refused name asked for most, the latest on a tie: a user's browser asks again and again (the page,
 * its reloads), so one-off made-up names don't displace it.
 */
function mostAsked(requests: readonly RequestSnapshot[]): RequestSnapshot | undefined {
  const counts = new Map<string, number>()
  let best: RequestSnapshot | undefined
  let bestCount = 0
  for (const request of requests) {
    const hostname = hostnameOf(request.host ?? '')
    const count = (counts.get(hostname) ?? 0) + 1
    counts.set(hostname, count)
    if (count >= bestCount) {
      best = request
      bestCount = count
    }
  }
  return best
}

/**
 * A proxy that names its upstream in the Host (nginx's and Apache's default) sends the name and port it
 * dialled: a Host carrying the very port the request arrived on, from a recognised proxy, is that name
 * (`vite:5173` in Docker), not one a browser asked the proxy for.
 */
function dialledByName(request: RequestSnapshot): boolean {
  const port = /:(\d+)$/.exec(request.host ?? '')?.[1]
  return request.proxy !== 'unknown' && port !== undefined && Number(port) === request.localPort
}

/**
 * A Host that Vite's check refuses: page requests (which Vite answers 403 without a log line) or an HMR
 * handshake on the right path (which Vite answers 400, silently). The WebSocket check runs even over https.
 * Only names that could be allowed as they are count: anything else is no proxy setup, and not worth a fix.
 */
export const hostRejected: Rule = (evidence, { facts }) => {
  const handshake = eventsOf(evidence, 'handshake').findLast(
    (request) =>
      request.vouched &&
      request.path === facts.hmrPath &&
      request.host !== null &&
      couldBeAllowed(hostnameOf(request.host)) &&
      !isHostAllowedByVite(hostnameOf(request.host), facts.allowedHosts),
  )
  if (handshake?.host) {
    const hostname = hostnameOf(handshake.host)
    return {
      cause: 'host-rejected',
      via: 'handshake',
      request: handshake,
      hostname,
      // The token is in every page: a name goes into allowedHosts only if the developer typed it, or if no
      // public DNS could answer for it (else it could be a rebinding attacker's).
      verified: handshake.hostSource === 'developer' || isPrivateName(hostname),
    }
  }
  const page = mostAsked(
    eventsOf(evidence, 'host-blocked').filter((request) => couldBeAllowed(hostnameOf(request.host ?? ''))),
  )
  if (!page?.host) return null
  return {
    cause: 'host-rejected',
    via: dialledByName(page) ? 'upstream' : 'page',
    request: page,
    hostname: hostnameOf(page.host),
    verified: false,
  }
}
