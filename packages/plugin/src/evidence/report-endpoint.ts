import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ErrorSink } from '../safe/guard.js'
import { arrivedUrl } from '../safe/parse-url.js'
import { sameSecret } from '../safe/same-secret.js'
import { REPORT_RATE_LIMIT } from '../shared/constants.js'
import { REPORT_PARAM, type ReportResponse, SECRET_HEADER } from '../shared/protocol.js'
import { MAX_REPORT_BYTES, parseClientReport, parsePageReport, reportKind } from './client-report.js'
import type { ClientReport, PageReport } from './evidence-types.js'
import { fingerprintProxy } from './proxy-kind.js'
import { createRateLimits } from './rate-limit.js'

/** A browser posts a few hundred bytes at once; a body still arriving after this is someone stalling. */
export const BODY_TIMEOUT_MS = 2000
/**
 * Reports being read at once. Past this the read that started first is cut (408) to make room: a browser's
 * body arrives with its headers, so stalled bodies can only ever push out each other, never the real one.
 */
const MAX_IN_FLIGHT = 16

export interface ReportEndpointOptions {
  secret: string
  /** Takes a valid socket report and answers with what the browser should show. */
  onReport: (report: ClientReport) => ReportResponse
  /** Takes a valid report of a page whose client never ran. */
  onPage: (page: PageReport) => ReportResponse
  errors: ErrorSink
  now?: () => number
}

function hasSecret(given: string | string[] | undefined, expected: string): boolean {
  return typeof given === 'string' && sameSecret(given, expected)
}

/** `application/json`, optionally with parameters: the media type itself must match exactly. */
/** What the endpoint answers: the browser's messages, or why the report was refused. */
type EndpointAnswer = ReportResponse | { error: string }

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';', 1)[0]?.trim().toLowerCase() === 'application/json'
}

function answer(res: ServerResponse, status: number, body: EndpointAnswer): void {
  if (res.headersSent) return
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  })
  res.end(text)
}

/**
 * The middleware behind the client snippet's reports. Everything arriving here is untrusted: it checks
 * method, secret, type and size before reading, reads with a deadline, charges each sender's rate limit
 * only for whole bodies, drops what is off-shape with a 4xx, and never throws.
 */
export function createReportEndpoint(options: ReportEndpointOptions) {
  const now = options.now ?? Date.now
  const allow = createRateLimits(REPORT_RATE_LIMIT.max, REPORT_RATE_LIMIT.windowMs)
  /** The reads under way, oldest first: each one's way to give up its slot. */
  const reading = new Set<(status: number, body: EndpointAnswer) => void>()
  const refusal = (req: IncomingMessage): [number, string] | null => {
    if (req.method !== 'POST') return [405, 'method not allowed']
    // A custom header also forces a CORS preflight, so Vite's CORS policy (the one that guards the client
    // module holding this secret) decides which other origins may post at all.
    if (!hasSecret(req.headers[SECRET_HEADER], options.secret)) return [403, 'forbidden']
    if (!isJson(req.headers['content-type'])) return [415, 'expected application/json']
    if (Number(req.headers['content-length'] ?? 0) > MAX_REPORT_BYTES) return [413, 'report too large']
    return null
  }

  /** Parses a whole body as the report its query names (or, the query lost, its body shows), and hands it on. */
  const take = (req: IncomingMessage, named: string | null, path: string, body: string): [number, EndpointAnswer] => {
    if ((named ?? reportKind(body)) === 'page') {
      const request = { origin: req.headers.origin, path, host: req.headers.host, proxy: fingerprintProxy(req) }
      const parsed = parsePageReport(body, now(), request)
      return parsed.ok ? [200, options.onPage(parsed.page)] : [400, { error: parsed.error }]
    }
    const parsed = parseClientReport(body, now(), req.headers.origin, fingerprintProxy(req))
    return parsed.ok ? [200, options.onReport(parsed.report)] : [400, { error: parsed.error }]
  }

  const read = (req: IncomingMessage, res: ServerResponse, kind: string | null, path: string): void => {
    if (reading.size >= MAX_IN_FLIGHT) reading.values().next().value?.(408, { error: 'report too slow' })
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    const finish = (status: number, body: EndpointAnswer): void => {
      if (done) return
      done = true
      reading.delete(finish)
      clearTimeout(deadline)
      req.removeAllListeners('data')
      answer(res, status, body)
      // Whatever is still coming is read and dropped, so the connection can close cleanly.
      req.resume()
    }
    reading.add(finish)
    const deadline = setTimeout(() => finish(408, { error: 'report too slow' }), BODY_TIMEOUT_MS)
    deadline.unref()
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_REPORT_BYTES) finish(413, { error: 'report too large' })
      else chunks.push(chunk)
    })
    req.on('error', () => finish(400, { error: 'request aborted' }))
    req.on('end', () => {
      if (done) return
      // Per sender and page origin: behind a proxy every page shares its address, while a browser sets the
      // Origin itself, so a flood from another page (or from no page) can't use up this page's reports.
      if (!allow(`${req.socket.remoteAddress ?? ''} ${req.headers.origin ?? ''}`, now())) {
        finish(429, { error: 'too many reports' })
        return
      }
      try {
        finish(...take(req, kind, path, Buffer.concat(chunks).toString('utf8')))
      } catch (error) {
        options.errors('the report endpoint', error)
        finish(500, { error: 'could not diagnose' })
      }
    })
  }

  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    // Any URL the page proved routed, with the doctor's query parameter or, where a proxy dropped the
    // query, its secret header; Vite serves those URLs to GET. The method is read first: nearly every
    // request Vite serves is a GET, and it should cost no parsing here.
    if (req.method === 'GET' || req.method === 'HEAD') {
      next()
      return
    }
    const url = arrivedUrl(req)
    const queryStart = url.indexOf('?')
    const path = queryStart === -1 ? url : url.slice(0, queryStart)
    const kind = queryStart === -1 ? null : new URLSearchParams(url.slice(queryStart + 1)).get(REPORT_PARAM)
    if (kind === null && req.headers[SECRET_HEADER] === undefined) {
      next()
      return
    }
    const known = kind === null || kind === 'report' || kind === 'page'
    const refused: [number, string] | null = known ? refusal(req) : [404, 'no such report']
    if (refused) {
      answer(res, refused[0], { error: refused[1] })
      req.resume()
      return
    }
    read(req, res, kind, path)
  }
}
