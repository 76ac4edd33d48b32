import { answerKind, errorPageOf, HMR_PROTOCOL, type HopAnswer } from '../shared/protocol.js'

export { answerKind }

/** Enough of a body to tell Vite's page (its client's script tag) from a proxy's error page. */
const BODY_PEEK = 4096

/** The socket's URL as plain HTTP, token left out: what a proxy or Vite answers there says which hop failed. */
export function probeUrl(socketUrl: string | URL): URL {
  const url = new URL(socketUrl)
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:'
  url.searchParams.delete('token')
  return url
}

/**
 * Asks the failed socket's URL what it answers to a plain request. A cross-origin answer the page may not
 * read still tells that something answered (`unreadable`), as against nothing at all (`no-answer`).
 * `opaqueOnly` skips the readable request, whose refusal by another origin's CORS policy the console shows.
 */
export async function probeHop(
  socketUrl: string | URL,
  timeoutMs: number,
  { opaqueOnly = false } = {},
): Promise<HopAnswer> {
  const url = probeUrl(socketUrl)
  const abort = new AbortController()
  const timer = setTimeout(() => abort.abort(), timeoutMs)
  const init: RequestInit = { cache: 'no-store', credentials: 'omit', redirect: 'manual', signal: abort.signal }
  const none = (kind: HopAnswer['kind']): HopAnswer => ({ kind, status: null, server: null })
  const opaque = async (): Promise<HopAnswer> => {
    try {
      // An opaque answer follows redirects: fetch refuses no-cors with any other redirect mode.
      await fetch(url, { ...init, mode: 'no-cors', redirect: 'follow' })
      return none('unreadable')
    } catch {
      return none(abort.signal.aborted ? 'timeout' : 'no-answer')
    }
  }
  try {
    if (opaqueOnly) return await opaque()
    const response = await fetch(url, init)
    if (response.type === 'opaqueredirect') return none('redirect')
    const body = (await response.text()).slice(0, BODY_PEEK)
    const server = response.headers.get('server')
    const poweredBy = response.headers.get('x-powered-by')
    const errorPage = server === null ? errorPageOf(response.status, body, poweredBy) : undefined
    return { kind: answerKind(response.status, body), status: response.status, server, ...(errorPage && { errorPage }) }
  } catch {
    return abort.signal.aborted ? none('timeout') : await opaque()
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Whether the page's origin serves, at its root's `/@vite/client`, another Vite's client than the page's own
 * (`clientUrl`): then a Vite dev server is the hop in front. Asked only after a failure, same origin only.
 */
export async function otherViteAtRoot(clientUrl: string, timeoutMs: number): Promise<boolean> {
  const root = new URL('/@vite/client', location.origin)
  const own = new URL(clientUrl)
  if (own.origin === root.origin && own.pathname === root.pathname) return false
  const abort = new AbortController()
  const timer = setTimeout(() => abort.abort(), timeoutMs)
  try {
    const response = await fetch(root, {
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'manual',
      signal: abort.signal,
    })
    return response.ok && (await response.text()).includes(HMR_PROTOCOL)
  } catch {
    return false
  } finally {
    clearTimeout(timer)
  }
}
