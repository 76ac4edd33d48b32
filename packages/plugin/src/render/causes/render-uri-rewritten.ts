import type { Finding } from '../../diagnose/finding-types.js'
import type { ViteFacts } from '../../vite/vite-facts.js'
import { afterwards } from '../afterwards.js'
import type { UriPart } from '../proxies/proxy-syntax.js'
import { hostedNote, proxyName, proxyNameInline, syntaxFor } from '../proxies/syntaxes.js'
import type { RenderedFinding } from '../rendered-types.js'
import { upstreamFor } from '../upstream.js'

type UriRewritten = Extract<Finding, { cause: 'uri-rewritten' }>

/**
 * Which part of the URI the proxy changed. A loop of redirects, or a handshake missing a leading part of
 * the socket's path, is a stripped prefix; a handshake at any other path is a rewritten one.
 */
function changedPart(finding: UriRewritten, facts: ViteFacts): UriPart {
  if (finding.what === 'query') return 'query'
  const path = finding.request.path
  const stripped = finding.redirects > 0 || (facts.hmrPath.endsWith(path) && path.length < facts.hmrPath.length)
  return stripped ? 'prefix' : 'path'
}

const SUMMARIES: Record<UriPart, (name: string, facts: ViteFacts) => string> = {
  query: (name) =>
    `${name} drops the query string: the HMR handshake reaches Vite without its token, and Vite refuses it (400).`,
  prefix: (name, facts) =>
    `${name} strips the path prefix: Vite serves under ${facts.base}, but requests arrive without it.`,
  path: (name, facts) =>
    `${name} rewrites the HMR socket's path: Vite answers a handshake only at ${facts.hmrPath}, and it never answers this one.`,
}

/** What the proxy must do, in words: for a proxy whose lines aren't printed, the whole fix. */
const DUTIES: Record<UriPart, (name: string, facts: ViteFacts) => string> = {
  query: (name) =>
    `Module URLs lose their query too (?import, ?raw, ?t=), so some imports get the wrong content. Make ${name} forward the query string as the browser sent it.`,
  prefix: (name, facts) => `Keep the prefix: make ${name} forward ${facts.base} as the browser sent it.`,
  path: (name, facts) =>
    `Make ${name} forward ${facts.hmrPath} as the browser sent it (a proxy answers 504 or 502 once its timeout passes).`,
}

export function renderUriRewritten(finding: UriRewritten, facts: ViteFacts): RenderedFinding {
  const { request } = finding
  const evidence =
    finding.what === 'query'
      ? `the HMR handshake arrived at ${request.path} with Origin ${request.origin} and no token in its query`
      : finding.redirects > 0
        ? `${request.method} ${request.path} arrived ${finding.redirects} times outside base ${facts.base}: Vite redirects it into ${facts.base}, the proxy strips it again (ERR_TOO_MANY_REDIRECTS)`
        : `the HMR handshake arrived at ${request.path}, not at ${facts.hmrPath}: Vite never answers it`
  const part = changedPart(finding, facts)
  const upstream = upstreamFor(finding.upstream, facts, request.localPort)
  const syntax = syntaxFor(request.proxy)
  const arrivedPath = finding.redirects > 0 ? null : request.path
  const fix =
    upstream === null || syntax === null
      ? null
      : syntax.keepUri({ facts, upstream, what: part, prefix: facts.base, arrivedPath })
  return {
    summary: fix?.summary ?? SUMMARIES[part](proxyName(request.proxy), facts),
    evidence,
    notes: [DUTIES[part](proxyNameInline(request.proxy), facts), ...(fix?.notes ?? []), ...hostedNote(request.proxy)],
    proxy: fix?.blocks ?? [],
    vite: null,
    afterwards: afterwards({ proxy: fix ? syntax : null, vite: false }, facts),
  }
}
