import { isConfigPath } from '../../safe/grammar.js'
import { parseUrl } from '../../safe/parse-url.js'
import type { Rule } from '../finding-types.js'
import { hostAsUpstream } from '../queries.js'

/**
 * The part of the page's path the proxy removed on the way: `/app/` in the browser arriving as `/` at
 * Vite means `/app/`. Only a whole leading run of segments counts, and only one a config can hold.
 */
export function strippedPrefix(pagePath: string, arrivedPath: string): string | null {
  if (pagePath === arrivedPath || !pagePath.endsWith(arrivedPath)) return null
  const prefix = pagePath.slice(0, pagePath.length - arrivedPath.length)
  const base = `${prefix}/`
  return arrivedPath.startsWith('/') && prefix.startsWith('/') && isConfigPath(base) ? base : null
}

/**
 * A page Vite served reported (with the secret, from its own URL) that Vite's client never ran in it.
 * Its report came through the route that serves the page, so that route's Host is the proxy's upstream.
 * The page's URL is the report's word: a prefix it implies is a fix only when the developer typed the URL.
 */
export const clientUnreached: Rule = (evidence, { facts }) => {
  const page = evidence.pages.at(-1)
  if (!page) return null
  const pageUrl = parseUrl(page.pageUrl)
  const prefix = strippedPrefix(pageUrl?.pathname ?? '/', page.arrivedPath)
  const seenUpstream = hostAsUpstream(page.host, pageUrl?.hostname)
  return {
    cause: 'client-unreached',
    pageUrl: page.pageUrl,
    clientSrc: new URL(facts.clientPath, page.pageUrl).href,
    arrivedPath: page.arrivedPath,
    // A base already set means the stripped part is not the whole story: describe, don't suggest.
    strippedPrefix: facts.base === '/' ? prefix : null,
    // The secret is in every page: the report's Host names the upstream only when it names this machine.
    upstream: page.hostSource === undefined ? null : hostAsUpstream(page.host, pageUrl?.hostname),
    ...(page.hostSource === undefined && seenUpstream !== null ? { seenUpstream } : {}),
    proxy: page.proxy,
    ...(page.pageSource === 'developer' && { confirmed: true as const }),
  }
}
