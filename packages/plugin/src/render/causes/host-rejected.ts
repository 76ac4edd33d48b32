import type { Finding } from '../../diagnose/types.js'
import type { ViteFacts } from '../../vite-facts.js'
import { afterwards } from '../afterwards.js'
import type { RenderedFinding } from '../types.js'
import { ALLOWED_HOSTS_CAUTION, allowedHostsFix } from '../vite-config.js'

/**
 * A refused handshake carried this server's token, so its Host comes from a page that loaded this
 * server's client: it gets a block to paste. A refused page request can't prove anything (Vite served
 * nothing), so its name is reported as seen, and the user decides.
 */
export function renderHostRejected(
  finding: Extract<Finding, { cause: 'host-rejected' }>,
  facts: ViteFacts,
): RenderedFinding {
  const { request, hostname } = finding
  const evidence = `${request.method} ${request.path} with Host: ${request.host ?? hostname}${request.origin ? `, from the page at ${request.origin}` : ''}`
  if (!finding.verified) {
    return {
      summary: `Vite's host check refuses "${hostname}": every page through the proxy gets 403, and Vite logs nothing.`,
      evidence,
      notes: [
        `If "${hostname}" is the name your proxy or tunnel serves the app under, add it to server.allowedHosts in vite.config and restart Vite.`,
        `Nothing is printed to paste: any client can send any Host, and this one was not seen from a page of this server. ${ALLOWED_HOSTS_CAUTION}`,
      ],
      proxy: [],
      vite: null,
      afterwards: null,
    }
  }
  return {
    summary: `Vite's host check refuses the HMR handshake's Host "${hostname}" with a silent 400.`,
    evidence,
    notes: ['Nothing to change in the proxy: it forwards the Host the page was asked under, which Vite must allow.'],
    proxy: [],
    vite: allowedHostsFix(hostname, { ...facts, allowedHosts: [] }),
    afterwards: afterwards({ proxy: null, vite: true }, facts),
  }
}
