import type { ProxyKind } from '../evidence/evidence-types.js'
import { proxyFromServerHeader } from '../evidence/proxy-kind.js'
import { cleanText } from '../safe/sanitize.js'
import { answerKind, errorPageOf, type HopAnswer } from '../shared/protocol.js'

/** What one hop answered a request with: enough to say who answered and what kind of answer it was. */
export interface HopReply {
  status: number
  kind: HopAnswer['kind']
  /** The `Server` header as seen (cleaned), or null. */
  server: string | null
  /** The proxy these headers point at (`unknown` when none says: Vite itself sends no `Server`). */
  proxy: ProxyKind
  /** The hop-by-hop and proxy headers that answered, as seen: `Connection`, `Upgrade`, `Via`. */
  hopHeaders: Record<string, string>
  /** `X-Powered-By`, when the answer carries one: Express sets it on every answer it sends, proxied or its own. */
  poweredBy?: string
  /** Express's own 404 page (the plugin's page probe tells it the same way). */
  expressPage?: true
}

const HOP_HEADERS = ['connection', 'upgrade', 'via']

/** The proxy that answered: named in `Server`, or HAProxy, which names nothing but lowercases every header. */
export function proxyOfAnswer(server: string | null, rawNames: readonly string[]): ProxyKind {
  const named = proxyFromServerHeader(server)
  if (named !== 'unknown') return named
  const lowercaseOnly = rawNames.length > 0 && rawNames.every((name) => name === name.toLowerCase())
  return server === null && lowercaseOnly ? 'haproxy' : 'unknown'
}

/** An HTTP answer's status, headers (raw name/value pairs, as Node gives them) and body, read as a hop's reply. */
export function kindOfAnswer(status: number, rawHeaders: readonly string[], body: string): HopReply {
  const names: string[] = []
  const values = new Map<string, string>()
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] ?? ''
    names.push(name)
    values.set(name.toLowerCase(), cleanText(rawHeaders[index + 1] ?? '', 120))
  }
  const server = values.get('server') ?? null
  const hopHeaders: Record<string, string> = {}
  for (const name of HOP_HEADERS) {
    const value = values.get(name)
    if (value !== undefined) hopHeaders[name] = value
  }
  const poweredBy = values.get('x-powered-by')
  return {
    status,
    kind: answerKind(status, body),
    server,
    proxy: proxyOfAnswer(server, names),
    hopHeaders,
    ...(poweredBy !== undefined && { poweredBy }),
    ...(server === null && errorPageOf(status, body, poweredBy) === 'express' && { expressPage: true as const }),
  }
}

/** The name Vite's host check refused, from its 403 page ("Blocked request. This host ("X") is not allowed."). */
export function blockedHostname(status: number, body: string): string | null {
  if (status !== 403) return null
  const match = /^Blocked request\. This host \("([^"\s]{1,253})"\) is not allowed\./.exec(body.trim())
  return match?.[1] ?? null
}
