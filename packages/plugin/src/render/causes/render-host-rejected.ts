import type { Finding } from '../../diagnose/finding-types.js'
import type { ViteFacts } from '../../vite/vite-facts.js'
import { afterwards } from '../afterwards.js'
import { proxyNameInline, syntaxFor } from '../proxies/syntaxes.js'
import type { RenderedFinding } from '../rendered-types.js'
import { ALLOWED_HOSTS_CAUTION, allowedHostsFix } from '../vite-config.js'

/**
 * A refused handshake carried this server's token, so its Host comes from a page that loaded this
 * server's client: it gets a block to paste. A refused page request can't prove anything (Vite served
 * nothing), so its name is reported as seen, and the user decides.
 */
type HostRejected = Extract<Finding, { cause: 'host-rejected' }>

/**
 * The proxy names Vite by its upstream (`vite:5173` in Docker). The fix is in the proxy, never
 * `allowedHosts`: the check then judges the name the browser asked for, and nothing printed comes from the
 * unauthenticated request.
 */
function renderUpstreamName(finding: HostRejected, evidence: string, facts: ViteFacts): RenderedFinding {
  const { request, hostname } = finding
  const syntax = syntaxFor(request.proxy)
  // HTTP/1.0 with Connection: close is what a proxy on its defaults sends (no browser does).
  const upgrade = request.httpVersion === '1.0' && /^close$/i.test(request.connection ?? '')
  const fix = syntax?.forwardHost({ upgrade }) ?? null
  return {
    summary: `Vite's host check refuses "${hostname}", the name ${proxyNameInline(request.proxy)} dials Vite by: every request through it gets 403, and Vite logs nothing.`,
    evidence,
    notes: [
      `This Host carries Vite's own port ${request.localPort}: it is the name ${proxyNameInline(request.proxy)} dials Vite by, not one a browser asked it for.`,
      ...(fix
        ? fix.notes
        : [
            `Make ${proxyNameInline(request.proxy)} send the browser's Host to Vite on every request it proxies there.`,
          ]),
      `This rather than "${hostname}" in server.allowedHosts: Vite's check then judges the name the browser asked for; allowing "${hostname}" would let every request through the proxy past it.`,
      'Vite allows localhost and IP addresses by itself; a browser using another name gets that name refused next, and the doctor names it.',
    ],
    proxy: fix?.blocks ?? [],
    vite: null,
    afterwards: afterwards({ proxy: fix ? syntax : null, vite: false }, facts),
  }
}

export function renderHostRejected(finding: HostRejected, facts: ViteFacts): RenderedFinding {
  const { request, hostname } = finding
  const evidence = `${request.method} ${request.path} with Host: ${request.host ?? hostname}${request.origin ? `, from the page at ${request.origin}` : ''}`
  if (finding.via === 'upstream') return renderUpstreamName(finding, evidence, facts)
  if (finding.via === 'handshake' && !finding.verified) {
    return {
      summary: `Vite's host check refuses the HMR handshake's Host "${hostname}" with a silent 400.`,
      evidence,
      notes: [
        `"${hostname}" comes from the request's Host header, not your config, and any page's HMR token lets anyone send it. A name public DNS can answer for is printed only once you confirm it.`,
        `If you open the app at "${hostname}", run npx hmr-doctor check <the URL you open the page at>: it prints the server.allowedHosts entry for that URL. ${ALLOWED_HOSTS_CAUTION}`,
      ],
      proxy: [],
      vite: null,
      afterwards: null,
    }
  }
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
