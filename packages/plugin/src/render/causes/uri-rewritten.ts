import type { Finding } from '../../diagnose/types.js'
import type { ViteFacts } from '../../vite-facts.js'
import { upstreamFor } from '../common.js'
import { nginxPassUriFix } from '../nginx.js'
import type { RenderedFinding } from '../types.js'

export function renderUriRewritten(
  finding: Extract<Finding, { cause: 'uri-rewritten' }>,
  facts: ViteFacts,
): RenderedFinding {
  const { request } = finding
  const evidence =
    finding.what === 'query'
      ? `the HMR handshake arrived at ${request.path} with Origin ${request.origin} and no token in its query`
      : finding.redirects > 0
        ? `${request.method} ${request.path} arrived ${finding.redirects} times outside base ${facts.base}: Vite redirects it into ${facts.base}, the proxy strips it again (ERR_TOO_MANY_REDIRECTS)`
        : `the HMR handshake arrived at ${request.path}, not at ${facts.hmrPath}: Vite never answers it`
  const upstream = upstreamFor(finding.upstream, facts, request.localPort)
  // A loop of redirects, or a handshake missing a leading part of the socket's path, is a stripped prefix;
  // a handshake at any other path is a rewritten one.
  const stripped =
    finding.redirects > 0 || (facts.hmrPath.endsWith(request.path) && request.path.length < facts.hmrPath.length)
  const summary =
    finding.what === 'query'
      ? 'The proxy drops the query string: the HMR handshake reaches Vite without its token, and Vite refuses it (400).'
      : stripped
        ? `The proxy strips the path prefix: Vite serves under ${facts.base}, but requests arrive without it.`
        : `The proxy rewrites the HMR socket's path: Vite answers a handshake only at ${facts.hmrPath}, and it never answers this one.`
  const note =
    finding.what === 'query'
      ? 'Module URLs lose their query too (?import, ?raw, ?t=), so some imports get the wrong content.'
      : stripped
        ? `Keep the prefix: a proxy_pass without a path forwards ${facts.base} as the browser sent it.`
        : `A proxy_pass without a path forwards ${facts.hmrPath} as the browser sent it (the proxy answers 504 once its read timeout passes).`
  return {
    summary,
    evidence,
    notes: [note],
    proxy: upstream === null ? [] : [nginxPassUriFix(upstream)],
    vite: null,
    afterwards: upstream === null ? null : 'Then reload nginx: nginx -s reload',
  }
}
