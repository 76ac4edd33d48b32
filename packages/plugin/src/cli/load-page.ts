import type { Run } from './budget.js'
import { CheckError } from './check-error.js'
import { corsAllows } from './cors.js'
import { type HopReply, kindOfAnswer } from './hop-reply.js'
import { type HttpAnswer, httpGet } from './http-get.js'
import { NotViteClient, readServedClient, type ServedClient } from './served-client.js'

const MAX_REDIRECTS = 5

export function reply(answer: HttpAnswer): HopReply {
  const raw: string[] = []
  for (const name of answer.rawNames) raw.push(name, answer.headers[name.toLowerCase()] ?? '')
  return kindOfAnswer(answer.status, raw, answer.body)
}

/** Where a redirect points, when it is one a browser follows for a page: http or https only. */
function redirectTarget(answer: HttpAnswer, from: URL): URL | null {
  const location = answer.headers.location
  if (answer.status < 300 || answer.status > 399 || location === undefined) return null
  try {
    const next = new URL(location, from)
    return next.protocol === 'http:' || next.protocol === 'https:' ? next : null
  } catch {
    return null
  }
}

/** The page as the browser loads it, following redirects, noting any that come back to a URL already asked. */
export async function loadPage(options: Run) {
  const asked = new Set<string>()
  const looped: string[] = []
  let url = options.url
  for (let hop = 0; ; hop += 1) {
    asked.add(url.href)
    const answer = await httpGet(url, { insecure: options.insecure, timeoutMs: options.budget.share() })
    const next = redirectTarget(answer, url)
    if (next === null || hop >= MAX_REDIRECTS) return { url, answer, looped }
    if (asked.has(next.href)) looped.push(url.pathname)
    url = next
  }
}

/**
 * Vite's client where `url` points, or null when something else answers there. Asked as a page on `origin`
 * asks for a module script: with its Origin when that differs from the client's, which Vite's CORS answers.
 */
export async function loadClient(url: URL, options: Run, origin: string) {
  const headers: Record<string, string> = url.origin === origin ? {} : { origin }
  const answer = await httpGet(url, { insecure: options.insecure, timeoutMs: options.budget.share(), headers })
  let served: ServedClient | null = null
  // Why a 200 here is not a client a browser could run, when its text says more than "not Vite's client".
  let refusal: CheckError | null = null
  if (answer.status === 200) {
    try {
      served = readServedClient(answer.body, url.href)
    } catch (error) {
      if (!(error instanceof CheckError)) throw error
      if (!(error instanceof NotViteClient)) refusal = error
    }
  }
  return { reply: reply(answer), served, refusal, corsAllowed: corsAllows(answer, origin, url) }
}

/** The page's directory, which a proxy that strips a prefix maps to Vite's root: `/app/` for `/app/index.html`. */
export function pageDirectory(url: URL): string {
  return url.pathname.slice(0, url.pathname.lastIndexOf('/') + 1)
}
