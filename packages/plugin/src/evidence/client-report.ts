import { isRecord } from '../safe/is-record.js'
import { parseUrl } from '../safe/parse-url.js'
import { cleanText } from '../safe/sanitize.js'
import { MAX_PRINTED_URL, MAX_URL_LENGTH } from '../shared/constants.js'
import { HOP_ANSWER_KINDS, type HopAnswer, type PolicyRefusal } from '../shared/protocol.js'
import { redactToken } from '../shared/redact-token.js'
import type { ClientReport, CloseRecord, PageReport, ProxyKind, SocketRecord } from './evidence-types.js'
import { proxyFromServerHeader } from './proxy-kind.js'

export const MAX_REPORT_BYTES = 4096
const MAX_SOCKETS = 8
const MAX_CLOSES = 8
const MAX_MS = 24 * 60 * 60 * 1000

export type ParseResult = { ok: true; report: ClientReport } | { ok: false; error: string }

function url(value: unknown, protocols: readonly string[]): string | null {
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH) return null
  const parsed = parseUrl(value)
  return parsed && protocols.includes(parsed.protocol) ? cleanText(redactToken(parsed.href), MAX_PRINTED_URL) : null
}

/** Only the origin is kept: a path, query or credentials in it are the browser's business, not the log's. */
function origin(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH) return null
  const parsed = parseUrl(value)
  const ok =
    parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.origin.length <= MAX_PRINTED_URL
  return ok ? cleanText(parsed.origin, MAX_PRINTED_URL) : null
}

function milliseconds(value: unknown): number | null | undefined {
  if (value === null) return null
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_MS) return undefined
  return Math.round(value)
}

function hopAnswer(value: unknown): HopAnswer | null {
  if (!isRecord(value) || !HOP_ANSWER_KINDS.includes(value.kind as HopAnswer['kind'])) return null
  const { status, server } = value
  const validStatus = status === null || (Number.isInteger(status) && Number(status) >= 100 && Number(status) <= 599)
  if (!validStatus || (server !== null && typeof server !== 'string')) return null
  return {
    kind: value.kind as HopAnswer['kind'],
    status: status as number | null,
    server: server === null ? null : cleanText(server, 64),
    ...((value.errorPage === 'haproxy' || value.errorPage === 'express') &&
      server === null && { errorPage: value.errorPage }),
    ...(value.viteAtRoot === true && value.kind === 'vite-page' && { viteAtRoot: true as const }),
  }
}

/**
 * A hanging socket's age when the page called it so: only on a socket still connecting (not opened, not
 * closed, not refused). Absent is fine; anything else refuses the record.
 */
function hangingAfter(value: Record<string, unknown>): { hangingAfterMs?: number } | null {
  if (value.hangingAfterMs === undefined) return {}
  const ms = milliseconds(value.hangingAfterMs)
  const connecting = value.opened === false && value.closeCode === null && value.closedAfterMs === null
  return typeof ms === 'number' && connecting && value.error === null ? { hangingAfterMs: ms } : null
}

function socketRecord(value: unknown): SocketRecord | null {
  if (!isRecord(value) || typeof value.opened !== 'boolean') return null
  // A URL the constructor refused (Vite 8 builds `ws://::1:5173/` for an IPv6 host) is kept as text: it is
  // what the page tried, and why it never dialled.
  const socketUrl =
    url(value.url, ['ws:', 'wss:', 'http:', 'https:']) ??
    (typeof value.error === 'string' && typeof value.url === 'string' && value.url.length <= MAX_URL_LENGTH
      ? cleanText(redactToken(value.url), MAX_PRINTED_URL)
      : null)
  const openedAfterMs = milliseconds(value.openedAfterMs)
  const closedAfterMs = milliseconds(value.closedAfterMs)
  const closeCode = value.closeCode
  const validCode =
    closeCode === null || (Number.isInteger(closeCode) && Number(closeCode) >= 1000 && Number(closeCode) <= 4999)
  const error = value.error
  if (socketUrl === null || openedAfterMs === undefined || closedAfterMs === undefined || !validCode) return null
  if (error !== null && typeof error !== 'string') return null
  const hop = value.hop === undefined ? undefined : hopAnswer(value.hop)
  const hanging = hangingAfter(value)
  if (hop === null || hanging === null) return null
  if (value.ping !== undefined && value.ping !== true) return null
  return {
    url: socketUrl,
    opened: value.opened,
    closeCode: closeCode as number | null,
    openedAfterMs,
    closedAfterMs,
    error: error === null ? null : cleanText(error, 200),
    ...(hop ? { hop } : {}),
    ...hanging,
    ...(value.ping === true && { ping: true as const }),
  }
}

function policyRefusal(value: unknown): PolicyRefusal | null {
  if (!isRecord(value)) return null
  const { directive, blockedUri, policy } = value
  if (typeof directive !== 'string' || !/^[a-z-]{1,40}$/.test(directive)) return null
  const blocked = url(blockedUri, ['ws:', 'wss:'])
  if (blocked === null || typeof policy !== 'string' || policy.length > 600) return null
  return { directive, blockedUri: blocked, policy: cleanText(policy, 600) }
}

function closeRecord(value: unknown, at: number): CloseRecord | null {
  if (!isRecord(value)) return null
  const msAgo = milliseconds(value.msAgo)
  const openForMs = milliseconds(value.openForMs)
  const idleMs = milliseconds(value.idleMs)
  const code = value.code
  // Idle is counted from the last frame, which is at the earliest the open: never longer than open.
  if (msAgo == null || openForMs == null || idleMs == null || idleMs > openForMs) return null
  if (!Number.isInteger(code) || Number(code) < 1000 || Number(code) > 4999) return null
  return { at: at - msAgo, openForMs, idleMs, code: code as number }
}

function list<T>(value: unknown, max: number, read: (item: unknown) => T | null): T[] | null {
  if (value === undefined) return []
  if (!Array.isArray(value) || value.length > max) return null
  const items: T[] = []
  for (const raw of value) {
    const item = read(raw)
    if (item === null) return null
    items.push(item)
  }
  return items
}

/** Oldest first, each at or after the one before: a history that runs backwards is made up. */
function inOrder(closes: readonly CloseRecord[]): boolean {
  return closes.every((close, index) => index === 0 || close.at >= (closes[index - 1]?.at ?? 0))
}

/**
 * Which report a body is, for a post whose query was lost on the way (a proxy_pass that drops it): a page
 * report names its page, a socket report its page's origin.
 */
export function reportKind(body: string): 'page' | 'report' {
  const data = jsonObject(body)
  return typeof data !== 'string' && 'pageUrl' in data ? 'page' : 'report'
}

/** The body as a JSON object, or what is wrong with it. */
function jsonObject(body: string): Record<string, unknown> | string {
  try {
    const data: unknown = JSON.parse(body)
    return isRecord(data) ? data : 'body is not an object'
  } catch {
    return 'body is not JSON'
  }
}

/**
 * Validates what the browser posted. Anything off-shape is refused whole: a partial report misleads.
 * `origin` is the request's own Origin header: the page must say it is the page the browser says it is.
 * `proxy` is the one the request came through, by its marks.
 */
export function parseClientReport(
  body: string,
  at: number,
  requestOrigin: string | undefined,
  proxy: ProxyKind = 'unknown',
): ParseResult {
  const data = jsonObject(body)
  if (typeof data === 'string') return { ok: false, error: data }
  const pageOrigin = origin(data.pageOrigin)
  if (pageOrigin === null) return { ok: false, error: 'pageOrigin is not an http(s) URL' }
  if (requestOrigin === undefined || pageOrigin !== requestOrigin) {
    return { ok: false, error: 'pageOrigin does not match the Origin header' }
  }
  const clientOrigin = data.clientOrigin === undefined ? null : origin(data.clientOrigin)
  if (data.clientOrigin !== undefined && clientOrigin === null) {
    return { ok: false, error: 'clientOrigin is not an http(s) URL' }
  }
  const sockets = list(data.sockets, MAX_SOCKETS, socketRecord)
  if (sockets === null) return { ok: false, error: `sockets must be a list of at most ${MAX_SOCKETS} socket records` }
  const closes = list(data.closes, MAX_CLOSES, (item) => closeRecord(item, at))
  if (closes === null) return { ok: false, error: `closes must be a list of at most ${MAX_CLOSES} close records` }
  if (!inOrder(closes)) return { ok: false, error: 'closes must be oldest first' }
  if (sockets.length === 0 && closes.length === 0) return { ok: false, error: 'nothing to report' }
  if (data.server !== undefined && (typeof data.server !== 'string' || data.server.length > 200)) {
    return { ok: false, error: 'server must be a short string' }
  }
  const refusals = list(data.refusals, 4, policyRefusal)
  if (refusals === null) return { ok: false, error: 'refusals must be a list of at most 4 policy refusals' }
  // Only which syntax to print comes from it, never a printed value.
  const announced = proxyFromServerHeader(typeof data.server === 'string' ? data.server : null)
  return {
    ok: true,
    report: {
      at,
      pageOrigin,
      clientOrigin,
      sockets,
      closes,
      ...(proxy !== 'unknown' && { proxy }),
      ...(announced !== 'unknown' && { announced }),
      ...(refusals.length > 0 && { refusals }),
    },
  }
}

export type PageParseResult = { ok: true; page: PageReport } | { ok: false; error: string }

/** Validates what a page whose client never ran posted; the request's path and Host come from Vite's side. */
export function parsePageReport(
  body: string,
  at: number,
  request: { origin: string | undefined; path: string; host: string | undefined; proxy?: ProxyKind },
): PageParseResult {
  const data = jsonObject(body)
  if (typeof data === 'string') return { ok: false, error: data }
  const page = typeof data.pageUrl === 'string' && data.pageUrl.length <= MAX_URL_LENGTH ? parseUrl(data.pageUrl) : null
  if (!page || (page.protocol !== 'http:' && page.protocol !== 'https:')) {
    return { ok: false, error: 'pageUrl is not an http(s) URL' }
  }
  if (request.origin === undefined || page.origin !== request.origin) {
    return { ok: false, error: 'pageUrl does not match the Origin header' }
  }
  return {
    ok: true,
    page: {
      at,
      pageUrl: cleanText(`${page.origin}${page.pathname}`, MAX_PRINTED_URL),
      arrivedPath: cleanText(request.path, MAX_PRINTED_URL),
      host: request.host === undefined ? null : cleanText(request.host),
      proxy: request.proxy ?? 'unknown',
    },
  }
}
