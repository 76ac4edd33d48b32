import type { Finding } from '../diagnose/finding-types.js'

/**
 * The page a report speaks for: its origin (the request's own Origin header), the origin it loaded Vite's
 * client from (a backend's page loads it from Vite's), and its URL when it names one.
 */
export interface ReportingPage {
  origin: string
  clientOrigin: string | null
  url: string | null
}

/** The origin of a URL, or null when it is none. */
export function originOf(url: string): string | null {
  return URL.canParse(url) ? new URL(url).origin : null
}

/**
 * Whether a finding is about the page that asked, as its evidence names the page: a report's answer says
 * nothing about any other page (its origin, internal names, Vite's address are the terminal's business).
 */
export function isPagesOwn(finding: Finding, page: ReportingPage): boolean {
  switch (finding.cause) {
    case 'upgrade-stripped':
    case 'proxy-error':
    case 'socket-never-arrived':
    case 'idle-timeout':
    case 'upgrade-unrelayed':
    case 'subprotocol-stripped':
    case 'vite-proxy-unrelayed':
    case 'policy-refused':
      return finding.pageOrigin === page.origin
    case 'upgrade-contested':
      return finding.handshake.origin === page.origin
    case 'socket-misdirected':
    case 'socket-port-unproxied':
      return finding.clientOrigin === (page.clientOrigin ?? page.origin)
    case 'client-unreached':
      return page.url === null ? originOf(finding.pageUrl) === page.origin : finding.pageUrl === page.url
    case 'host-rejected':
    case 'uri-rewritten':
      return finding.request.origin === page.origin
  }
}
