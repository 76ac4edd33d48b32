import type { Rule } from '../finding-types.js'
import { eventsOf, seenUpstreamOf, vouchedOrigins, vouchedUpstream } from '../queries.js'

/**
 * Vite redirects a page outside `base` into it; this many redirects in a short while, none of them followed
 * by a page loading Vite's client, is a loop, not a typo.
 */
const REDIRECT_LOOP = 3
const LOOP_WINDOW_MS = 10_000

/**
 * The proxy's `proxy_pass` carries a URI part, so nginx rewrites what it forwards: `$uri` drops the query
 * (and the token Vite requires when an Origin is sent: 400), a trailing `/` strips the location's prefix
 * (Vite never answers a handshake off its path, and redirects pages back into `base` forever).
 */
export const uriRewritten: Rule = (evidence, { facts }) => {
  // Any such handshake counts, not just the latest: Vite's direct fallback may have come in after it.
  const handshakes = eventsOf(evidence, 'handshake')
  // A stripped prefix keeps the query, so the page's own handshake still carries the token. Vite's direct
  // fallback dials `base` even when `hmr.path` is set (it is never answered): not the proxy.
  const offPath = handshakes.findLast(
    (request) => request.vouched && request.path !== facts.hmrPath && request.path !== facts.base,
  )
  if (offPath) {
    return {
      cause: 'uri-rewritten',
      what: 'prefix',
      request: offPath,
      redirects: 0,
      upstream: vouchedUpstream(offPath),
      ...seenUpstreamOf(offPath),
    }
  }
  if (facts.tokenCheck) {
    // A lost query takes the token with it: the handshake counts once its page proves itself some other
    // way (its direct fallback, its report); the doctor looks again when either arrives.
    const origins = vouchedOrigins(evidence)
    const proven = handshakes.findLast(
      (request) => request.origin !== null && !request.hasToken && origins.has(request.origin),
    )
    if (proven) return { cause: 'uri-rewritten', what: 'query', request: proven, redirects: 0, upstream: null }
  }
  const outside = eventsOf(evidence, 'outside-base').filter((request) => evidence.now - request.at <= LOOP_WINDOW_MS)
  const first = outside[0]
  const last = outside.at(-1)
  if (outside.length < REDIRECT_LOOP || !first || !last) return null
  // A page that followed a redirect into base loads Vite's client there: those redirects were page loads, no loop.
  if (eventsOf(evidence, 'client-served').some((load) => load.at >= first.at)) return null
  return { cause: 'uri-rewritten', what: 'prefix', request: last, redirects: outside.length, upstream: null }
}
