import { readFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { arrivedUrl } from '../safe/parse-url.js'
import type { ClientConfig } from '../shared/protocol.js'
import { DOCTOR_MODULE, HMR_PROTOCOL, PAGE_QUERY, RAN_FLAG, SECRET_HEADER } from '../shared/protocol.js'
import { boundaryMap } from './client-map.js'

/** Vite's browser client, whichever package manager laid it out (or aliased the package's folder). */
export const VITE_CLIENT_ID = /[/\\]dist[/\\]client[/\\]client\.mjs(?:\?|$)/

/** The file's path and the subprotocol only Vite's client dials: both, so no other `client.mjs` matches. */
export function isViteClient(id: string, code: string): boolean {
  return VITE_CLIENT_ID.test(id) && code.includes(HMR_PROTOCOL)
}

let bundle: string | undefined
let doctorModule: string | undefined

function clientBundle(): string {
  bundle ??= readFileSync(new URL('./client.iife.js', import.meta.url), 'utf8').trim()
  return bundle
}

const DOCTOR_PATH = `/@vite/${DOCTOR_MODULE}`

/**
 * Serves the rest of the browser side, which the watcher imports only when a socket failed or the page is
 * in a reload loop: healthy pages never ask for it. Only GET (and HEAD, whose answer carries the `Server`
 * header of the hop in front: the page's way to learn which proxy serves its route) of that one file name
 * under `@vite/`.
 */
export function doctorModuleMiddleware(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const url = arrivedUrl(req)
  const queryStart = url.indexOf('?')
  const head = req.method === 'HEAD'
  if ((req.method !== 'GET' && !head) || !(queryStart === -1 ? url : url.slice(0, queryStart)).endsWith(DOCTOR_PATH)) {
    next()
    return
  }
  doctorModule ??= readFileSync(new URL('./doctor-client.js', import.meta.url), 'utf8')
  res.writeHead(200, {
    'content-type': 'text/javascript',
    'content-length': Buffer.byteLength(doctorModule),
    'cache-control': 'no-cache',
  })
  res.end(head ? undefined : doctorModule)
}

/**
 * The snippet on the first line of Vite's client, given the client's own URL so the doctor's module and
 * report endpoint resolve behind a proxy prefix and on backend-rendered pages.
 */
export function clientSnippet(config: Omit<ClientConfig, 'clientUrl'>): string {
  const settings = `${JSON.stringify(config).slice(0, -1)},"clientUrl":import.meta.url}`
  return `;(()=>{${clientBundle()};install(${settings})})();`
}

/** The source name Vite gives the client in the map it generates: the basename of `/@vite/client`. */
const CLIENT_SOURCE = 'client'

/**
 * Vite's client with the snippet in front and the client's own source map appended, so Vite doesn't make a
 * map on every fetch; expects the text the last transform left.
 */
export function prependToClient(code: string, snippet: string): string {
  const map = boundaryMap(code, CLIENT_SOURCE, snippet.length)
  // Encoded as Vite encodes its own: base64 of the UTF-8 JSON (btoa() throws beyond Latin-1).
  return `${snippet}${code}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(map).toString('base64')}`
}

/**
 * A tiny inline module for pages Vite serves, placed after Vite's client tag: module scripts run in order,
 * so by then the client has run, or failed to load. Only when it never ran does the page tell the doctor,
 * at its own URL (a route to Vite it has just proven). A healthy page runs one check and sends nothing.
 */
export function pageBeacon(secret: string): string {
  const headers = JSON.stringify({ 'content-type': 'application/json', [SECRET_HEADER]: secret })
  return `self.${RAN_FLAG}||fetch(${JSON.stringify(`?${PAGE_QUERY}`)},{method:'POST',headers:${headers},body:JSON.stringify({pageUrl:location.href})}).catch(()=>{})`
}

const HEAD_END = /<\/head>/i

/**
 * The page with `tag` just before the first `</head>`, or null without one: cheaper than handing Vite a tag
 * to place (docs/performance.md).
 */
export function beforeHeadEnd(html: string, tag: string): string | null {
  const lowerCase = html.indexOf('</head>')
  const end = lowerCase === -1 ? html.search(HEAD_END) : lowerCase
  return end === -1 ? null : `${html.slice(0, end)}${tag}${html.slice(end)}`
}
