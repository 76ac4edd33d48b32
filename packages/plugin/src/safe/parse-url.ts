import type { IncomingMessage } from 'node:http'

/**
 * A URL from untrusted text, or null: headers, reports and configs all hold strings that may not parse,
 * and none of them may throw on the request path. (`URL.parse` needs Node 22.)
 */
export function parseUrl(value: string | null | undefined): URL | null {
  if (!value) return null
  try {
    return new URL(value)
  } catch {
    return null
  }
}

/** The port a URL dials, the scheme's default when it names none. */
export function effectivePort(url: URL): number {
  if (url.port) return Number(url.port)
  return url.protocol === 'https:' || url.protocol === 'wss:' ? 443 : 80
}

/**
 * A request's URL as it reached the server: Vite's middlewares (and a framework's in front) may have
 * rewritten `req.url` by then, and connect keeps the original in `originalUrl`.
 */
export function arrivedUrl(req: IncomingMessage): string {
  return (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/'
}
