/**
 * What the server and the client snippet agree on, and the watcher with the part it loads on a failure (two
 * bundles); no imports, so it bundles into the browser as is.
 */

/** The header that carries the per-server secret to the report endpoint. */
export const SECRET_HEADER = 'x-hmr-doctor-secret'

/**
 * The doctor's endpoint is any URL the page has proven routed to Vite, posted to with this query parameter:
 * the client's own URL for a socket report (`report`), the page's own URL for a page whose client never ran
 * (`page`). Whatever route brought them to the page carries the report back, under any proxy prefix.
 */
export const REPORT_PARAM = '__hmr_doctor'
export const REPORT_QUERY = `${REPORT_PARAM}=report`
export const PAGE_QUERY = `${REPORT_PARAM}=page`

/** Set by the snippet when it runs: a page without it never ran Vite's client. */
export const RAN_FLAG = '__HMR_DOCTOR__'

/** The subprotocol of Vite's HMR socket, which Vite's client dials. */
export const HMR_PROTOCOL = 'vite-hmr'
/** The subprotocol of Vite's restart probe, a socket at the same path (Vite 6 and later). */
export const PING_PROTOCOL = 'vite-ping'

export function isHmrProtocol(protocols: string | string[] | undefined): boolean {
  return protocols === HMR_PROTOCOL || (Array.isArray(protocols) && protocols.includes(HMR_PROTOCOL))
}

/**
 * The rest of the doctor, beside Vite's client so whatever route serves the client serves this too (a
 * query could be dropped).
 */
export const DOCTOR_MODULE = '__hmr_doctor_client.js'

/** What the inline snippet is given by the server that served it. */
export interface ClientConfig {
  /**
   * The URL the page loaded Vite's client from: the rest of the doctor is loaded beside it, and reports go
   * to it, under whatever proxy prefix brought the client.
   */
  clientUrl: string
  secret: string
  /** Names the server that served this page: the close history tells a restart from a loop by it. */
  serverId: string
  notice: boolean
  /** Whether Vite's client retries straight at Vite after a first failed socket (no port configured). */
  directFallback: boolean
}

/**
 * What answered a failed socket's URL over plain HTTP, asked by the page itself: which hop (Vite's page,
 * Vite's socket server's 426, something else such as a proxy's error page) and how.
 */
export interface HopAnswer {
  kind: 'vite-page' | 'upgrade-required' | 'other' | 'redirect' | 'unreadable' | 'no-answer' | 'timeout'
  /** The HTTP status, when the page could read it. */
  status: number | null
  /** The `Server` header, when the page could read it. */
  server: string | null
  /** Whose built-in error page the body is, for a hop that names itself nowhere else. */
  errorPage?: ErrorPage
  /** The `X-Powered-By` header, as the CLI read it (Express sets it on every answer, proxied ones too). */
  poweredBy?: string
  /**
   * On Vite's page at a URL of the page's own origin: that origin's `/@vite/client` is another Vite's client
   * than the one the page loaded, so a Vite dev server is the hop (its `server.proxy` carried the page).
   */
  viteAtRoot?: true
}

/**
 * Whose built-in error page a body is, for a hop that names itself nowhere else: HAProxy's (no `Server`
 * header at all), or Express's own 404 for a path no middleware took (marked `X-Powered-By: Express`).
 */
export type ErrorPage = 'haproxy' | 'express'

/**
 * HAProxy's built-in error page for `status` (`<html><body><h1>503 Service Unavailable</h1>` and one
 * line of text), as HAProxy 2.x writes it; Express's 404 (`<pre>Cannot GET /path</pre>` in finalhandler's
 * page), only with the `X-Powered-By: Express` it sends beside it.
 */
export function errorPageOf(status: number, body: string, poweredBy: string | null = null): ErrorPage | undefined {
  const haproxy = new RegExp(`^<html><body><h1>${status} [^<\\n]*</h1>\\n[^<]*\\n</body></html>$`)
  if (haproxy.test(body.trim())) return 'haproxy'
  const express =
    /^<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error<\/title>\n<\/head>\n<body>\n<pre>Cannot GET \/[^<\s]*<\/pre>\n<\/body>\n<\/html>$/
  return status === 404 && poweredBy === 'Express' && express.test(body.trim()) ? 'express' : undefined
}

export const HOP_ANSWER_KINDS: readonly HopAnswer['kind'][] = [
  'vite-page',
  'upgrade-required',
  'other',
  'redirect',
  'unreadable',
  'no-answer',
  'timeout',
]

/** The kind of answer, from its status and the start of its body: only the kinds the doctor reasons about. */
export function answerKind(status: number, body: string): HopAnswer['kind'] {
  if (status === 426 && body.trim() === 'Upgrade Required') return 'upgrade-required'
  if (body.includes('/@vite/client')) return 'vite-page'
  return 'other'
}

/**
 * One `vite-hmr` socket as the watcher saw it, kept raw so the code every page carries stays small: the
 * doctor part reads it into what a report says (`ReportedSocket`).
 */
export interface SeenSocket {
  /** As dialled, token included: the doctor part removes it before anything leaves the page. */
  url: string
  /** `performance.now()` at creation, at open and at close. */
  at: number
  openedAt?: number
  closedAt?: number
  closeCode?: number
  /** Set when the constructor threw (mixed content, invalid URL): the browser never dialled. */
  thrown?: { error: unknown }
  /** `performance.now()` when it had been connecting for `timing.pendingSocketMs`: a held handshake. */
  hangingAt?: number
  /** Set when the page's Content-Security-Policy refused its URL: it never dials, and may never close. */
  refused?: true
  /** Vite's restart probe (`vite-ping`), recorded only once it hangs: one that opens or fails is routine. */
  ping?: true
}

/** One WebSocket the page opened with the `vite-hmr` subprotocol, as the snippet reports it. */
export interface ReportedSocket {
  /** The URL dialled, token removed. */
  url: string
  opened: boolean
  /** Close code, or null while open. */
  closeCode: number | null
  /** Milliseconds from creation to open, or null when it never opened. */
  openedAfterMs: number | null
  /** Milliseconds from creation to close, or null while open. */
  closedAfterMs: number | null
  /** The constructor threw (mixed content, invalid URL): the browser never dialled. */
  error: string | null
  /** For a socket that failed: what answered its URL over plain HTTP. */
  hop?: HopAnswer
  /**
   * Set on a socket still connecting when the report left, that had been connecting this many milliseconds
   * when the page called it hanging: something on the way holds the handshake unanswered.
   */
  hangingAfterMs?: number
  /**
   * Set by the CLI only, on a socket that hung: the same handshake, dialled straight at the address Vite's
   * client names, opened. A page never sends it.
   */
  viteOpened?: true
  /**
   * Vite's restart probe (`vite-ping`, dialled after an opened socket closed), on a record that hangs: the
   * page waits on it and never reloads.
   */
  ping?: true
}

/** One finding, as the browser shows it. */
export interface BrowserMessage {
  title: string
  lines: string[]
}

export interface ReportResponse {
  messages: BrowserMessage[]
}

/** A socket the browser refused under the page's Content-Security-Policy, as its event says. */
export interface PolicyRefusal {
  /** The directive that refused it (`connect-src`, also when `default-src` stood in for it). */
  directive: string
  /** The URL refused (a cross-origin one may be cut to its origin). */
  blockedUri: string
  /** The policy that refused it, as the browser holds it (cut short). */
  policy: string
}
