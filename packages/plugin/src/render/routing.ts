import type { Finding } from '../diagnose/types.js'
import type { ViteFacts } from '../vite-facts.js'
import { fallbackNote, proxyUpstream } from './common.js'
import { nginxPassUriFix } from './nginx.js'
import type { RenderedFinding } from './types.js'
import { allowedHostsFix, socketSettingsFix } from './vite-config.js'

type FindingOf<C extends Finding['cause']> = Extract<Finding, { cause: C }>

const NEVER_TRUE = 'Never allowedHosts: true: it lets any website read this dev server through DNS rebinding.'
const UNKNOWN_HOST =
  "If you don't recognise this name, don't allow it: someone may be reaching your dev server under a name of theirs."

export function renderHostRejected(finding: FindingOf<'host-rejected'>, facts: ViteFacts): RenderedFinding {
  const { request, hostname } = finding
  const page = finding.via === 'page'
  return {
    summary: page
      ? `Vite's host check refuses "${hostname}": every page through the proxy gets 403, and Vite logs nothing.`
      : `Vite's host check refuses the HMR handshake's Host "${hostname}" with a silent 400.`,
    evidence: `${request.method} ${request.path} with Host: ${request.host ?? hostname}${request.origin ? `, from the page at ${request.origin}` : ''}`,
    notes: [NEVER_TRUE, UNKNOWN_HOST],
    proxy: [],
    vite: allowedHostsFix(hostname, { ...facts, allowedHosts: [] }),
    afterwards: 'Then restart Vite.',
  }
}

export function renderUriRewritten(finding: FindingOf<'uri-rewritten'>, facts: ViteFacts): RenderedFinding {
  const { request } = finding
  const evidence =
    finding.what === 'query'
      ? `the HMR handshake arrived at ${request.path} with Origin ${request.origin} and no token in its query`
      : finding.redirects > 0
        ? `${request.method} ${request.path} arrived ${finding.redirects} times outside base ${facts.base}: Vite redirects it into ${facts.base}, the proxy strips it again (ERR_TOO_MANY_REDIRECTS)`
        : `the HMR handshake arrived at ${request.path}, not at ${facts.hmrPath}: Vite never answers it`
  return {
    summary:
      finding.what === 'query'
        ? 'The proxy drops the query string: the HMR handshake reaches Vite without its token, and Vite refuses it (400).'
        : `The proxy strips the path prefix: Vite serves under ${facts.base}, but requests arrive without it.`,
    evidence,
    notes: [
      finding.what === 'query'
        ? 'Module URLs lose their query too (?import, ?raw, ?t=), so some imports get the wrong content.'
        : `Keep the prefix: a proxy_pass without a path forwards ${facts.base} as the browser sent it.`,
    ],
    proxy: [nginxPassUriFix(proxyUpstream(request, facts))],
    vite: null,
    afterwards: 'Then reload nginx: nginx -s reload',
  }
}

export function renderSocketMisdirected(finding: FindingOf<'socket-misdirected'>, facts: ViteFacts): RenderedFinding {
  const outcome = finding.opened
    ? 'it opened only because this browser reaches that address directly'
    : finding.error
      ? `the browser refused it (${finding.error})`
      : 'it never opened, and no handshake for it reached Vite'
  const separate =
    finding.settings.port === undefined
      ? []
      : [
          `A separate server.${facts.hmrConfigKey}.port is a second server the proxy doesn't carry; on Vite's own port the proxy carries the socket with the page.`,
        ]
  return {
    summary: `The browser dials the HMR socket at ${finding.socketUrl}, not through ${finding.pageOrigin} where the page came from.`,
    evidence: `the page at ${finding.pageOrigin} dialled ${finding.socketUrl}: ${outcome}`,
    notes: [
      ...(finding.opened
        ? ['A browser in Docker or on another machine gets no updates.']
        : fallbackNote(finding.fallback, facts)),
      ...separate,
      `The proxy must forward WebSocket upgrades for ${facts.hmrPath}; the doctor says so if it doesn't.`,
    ],
    proxy: [],
    vite: socketSettingsFix(finding.settings, facts),
    afterwards: 'Then restart Vite.',
  }
}
