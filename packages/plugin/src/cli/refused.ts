import type { Observations } from './observe.js'

/**
 * The finding for a page refused with a 403 that no rule explains: the browser gets no page, so no HMR.
 * What refused it is said as seen; the check can't tell why, so nothing is printed to paste.
 */
export function refusedFinding(observations: Observations) {
  const page = observations.page
  const who = page.server === null ? '' : ` (Server: ${page.server})`
  return {
    cause: 'page-refused' as const,
    summary: `The page is refused (403${who}): a browser there gets no page, so no HMR.`,
    evidence: `page: ${observations.pageUrl.href} answered ${page.status}${who}`,
    notes: [
      observations.blockedHost === null
        ? 'Check the access rules of whatever answered (the proxy, or an auth layer in front of Vite).'
        : `Vite's host check refused "${observations.blockedHost}", a name that listing in server.allowedHosts can't let through: check the Host the proxy forwards.`,
    ],
    proxy: [],
    vite: null,
    afterwards: null,
  }
}
