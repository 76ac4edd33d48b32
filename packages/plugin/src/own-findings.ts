import type { Finding } from './diagnose/types.js'

/** The page a report speaks for: its origin (the request's own Origin header), and its URL when it names one. */
export interface ReportingPage {
  origin: string
  url: string | null
}

/** The origin of a URL, or null when it is none. */
export function originOf(url: string): string | null {
  return URL.canParse(url) ? new URL(url).origin : null
}

/** The origin of the page a finding is about, as its evidence names it, or null when it names none. */
function findingOrigin(finding: Finding): string | null {
  switch (finding.cause) {
    case 'upgrade-stripped':
    case 'proxy-error':
    case 'socket-never-arrived':
    case 'idle-timeout':
      return finding.pageOrigin
    case 'socket-misdirected':
    case 'socket-port-unproxied':
      return finding.clientOrigin
    case 'client-unreached':
      return originOf(finding.pageUrl)
    case 'host-rejected':
    case 'uri-rewritten':
      return finding.request.origin
  }
}

/**
 * Whether a finding is about the page that asked: a report's answer says nothing about any other page (its
 * origin, internal names, Vite's address are the terminal's business). A page report with a URL matches that
 * URL's finding only.
 */
export function isPagesOwn(finding: Finding, page: ReportingPage): boolean {
  if (finding.cause === 'client-unreached' && page.url !== null) return finding.pageUrl === page.url
  return findingOrigin(finding) === page.origin
}
