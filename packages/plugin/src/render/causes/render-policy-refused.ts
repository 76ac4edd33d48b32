import type { Finding } from '../../diagnose/finding-types.js'
import type { RenderedFinding } from '../rendered-types.js'

/** The policy's own directive with the source added: pasted over it, it keeps every source it had. */
function widened(finding: Extract<Finding, { cause: 'policy-refused' }>): string {
  const kept = (finding.sources ?? ["'self'"]).filter((source) => source !== "'none'" && source !== finding.source)
  return ['connect-src', ...kept, finding.source].join(' ')
}

export function renderPolicyRefused(finding: Extract<Finding, { cause: 'policy-refused' }>): RenderedFinding {
  const from =
    finding.sources === null
      ? ''
      : ` (its ${finding.directive === 'connect-src' && finding.sources ? 'connect-src' : 'default-src'}: ${finding.sources.join(' ') || 'empty'})`
  return {
    summary: `The page's Content-Security-Policy refuses the HMR socket: its connect-src doesn't allow ${finding.socketUrl.replace(/\/\?.*$/, '/').replace(/\?.*$/, '')}.`,
    evidence: `the browser refused ${finding.socketUrl} under ${finding.directive}, on the page at ${finding.pageOrigin}${from}; the socket never left the page`,
    notes: [
      "An http: source doesn't match a ws: URL (CSP3); 'self' matches ws: and wss: at the page's own host and port.",
    ],
    proxy: [
      {
        where:
          'The Content-Security-Policy that refuses it (a header from your app, a plugin or the proxy, or a <meta> tag), replacing its connect-src',
        text: widened(finding),
      },
    ],
    vite: null,
    afterwards: null,
  }
}
