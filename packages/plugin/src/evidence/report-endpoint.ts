import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { SECRET_HEADER } from '../client/protocol.js'
import { MAX_REPORT_BYTES, parseClientReport } from './client-report.js'
import { createRateLimit } from './rate-limit.js'
import type { ClientReport } from './types.js'

export interface ReportEndpointOptions {
  path: string
  secret: string
  /** Takes a valid report and answers with what the browser should show. */
  onReport: (report: ClientReport) => unknown
  now?: () => number
}

function sameSecret(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

function answer(res: ServerResponse, status: number, body: unknown): void {
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
 * method, secret, type and size before reading, drops what is off-shape with a 4xx, and never throws.
 */
export function createReportEndpoint(options: ReportEndpointOptions) {
  const now = options.now ?? Date.now
  const allow = createRateLimit(20, 10_000)
  const refusal = (req: IncomingMessage): [number, string] | null => {
    if (req.method !== 'POST') return [405, 'method not allowed']
    // A custom header also forces a CORS preflight, so Vite's CORS policy (the one that guards the client
    // module holding this secret) decides which other origins may post at all.
    if (!sameSecret(req.headers[SECRET_HEADER], options.secret)) return [403, 'forbidden']
    if (!allow(now())) return [429, 'too many reports']
    if (!req.headers['content-type']?.startsWith('application/json')) return [415, 'expected application/json']
    if (Number(req.headers['content-length'] ?? 0) > MAX_REPORT_BYTES) return [413, 'report too large']
    return null
  }
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    if (req.url?.split('?', 1)[0] !== options.path) {
      next()
      return
    }
    const refused = refusal(req)
    if (refused) {
      answer(res, refused[0], { error: refused[1] })
      req.resume()
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_REPORT_BYTES) {
        answer(res, 413, { error: 'report too large' })
        req.removeAllListeners('data')
        req.resume()
        return
      }
      chunks.push(chunk)
    })
    req.on('error', () => answer(res, 400, { error: 'request aborted' }))
    req.on('end', () => {
      if (size > MAX_REPORT_BYTES) return
      const parsed = parseClientReport(Buffer.concat(chunks).toString('utf8'), now())
      if (!parsed.ok) {
        answer(res, 400, { error: parsed.error })
        return
      }
      try {
        answer(res, 200, options.onReport(parsed.report))
      } catch {
        answer(res, 500, { error: 'could not diagnose' })
      }
    })
  }
}
