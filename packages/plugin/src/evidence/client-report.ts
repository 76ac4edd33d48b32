import { cleanText, redactToken } from '../sanitize.js'
import type { ClientReport, SocketRecord } from './types.js'

export const MAX_REPORT_BYTES = 4096
const MAX_SOCKETS = 8
const MAX_MS = 24 * 60 * 60 * 1000

export type ParseResult = { ok: true; report: ClientReport } | { ok: false; error: string }

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function url(value: unknown, protocols: readonly string[]): string | null {
  if (typeof value !== 'string' || value.length > 2048) return null
  try {
    const parsed = new URL(value)
    return protocols.includes(parsed.protocol) ? cleanText(redactToken(parsed.href), 300) : null
  } catch {
    return null
  }
}

function milliseconds(value: unknown): number | null | undefined {
  if (value === null) return null
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_MS) return undefined
  return Math.round(value)
}

function socketRecord(value: unknown): SocketRecord | null {
  if (!isRecord(value) || typeof value.opened !== 'boolean') return null
  const socketUrl = url(value.url, ['ws:', 'wss:', 'http:', 'https:'])
  const openedAfterMs = milliseconds(value.openedAfterMs)
  const closedAfterMs = milliseconds(value.closedAfterMs)
  const closeCode = value.closeCode
  const validCode =
    closeCode === null || (Number.isInteger(closeCode) && Number(closeCode) >= 1000 && Number(closeCode) <= 4999)
  const error = value.error
  if (socketUrl === null || openedAfterMs === undefined || closedAfterMs === undefined || !validCode) return null
  if (error !== null && typeof error !== 'string') return null
  return {
    url: socketUrl,
    opened: value.opened,
    closeCode: closeCode as number | null,
    openedAfterMs,
    closedAfterMs,
    error: error === null ? null : cleanText(error, 120),
  }
}

/** Validates what the browser posted. Anything off-shape is refused whole: a partial report misleads. */
export function parseClientReport(body: string, at: number): ParseResult {
  let data: unknown
  try {
    data = JSON.parse(body)
  } catch {
    return { ok: false, error: 'body is not JSON' }
  }
  if (!isRecord(data)) return { ok: false, error: 'body is not an object' }
  const pageOrigin = url(data.pageOrigin, ['http:', 'https:'])
  if (pageOrigin === null) return { ok: false, error: 'pageOrigin is not an http(s) URL' }
  if (!Array.isArray(data.sockets) || data.sockets.length === 0 || data.sockets.length > MAX_SOCKETS) {
    return { ok: false, error: `sockets must be a list of 1 to ${MAX_SOCKETS}` }
  }
  const sockets: SocketRecord[] = []
  for (const raw of data.sockets) {
    const record = socketRecord(raw)
    if (record === null) return { ok: false, error: 'a socket record is malformed' }
    sockets.push(record)
  }
  return { ok: true, report: { at, pageOrigin: new URL(pageOrigin).origin, sockets } }
}
