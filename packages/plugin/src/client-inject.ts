import { readFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ClientConfig } from './client/protocol.js'
import { PAGE_QUERY, RAN_FLAG, REPORT_QUERY, SECRET_HEADER } from './client/protocol.js'

/** Vite's browser client, whichever package manager laid it out (or aliased the package's folder). */
const VITE_CLIENT_ID = /[/\\]dist[/\\]client[/\\]client\.mjs(?:\?|$)/

/** The file's path and the subprotocol only Vite's client dials: both, so no other `client.mjs` matches. */
export function isViteClient(id: string, code: string): boolean {
  return VITE_CLIENT_ID.test(id) && code.includes('vite-hmr')
}

let bundle: string | undefined
let doctorModule: string | undefined

function clientBundle(): string {
  bundle ??= readFileSync(new URL('./client.iife.js', import.meta.url), 'utf8').trim()
  return bundle
}

/** Beside Vite's client, so whatever route serves the client serves this too (a query could be dropped). */
export const DOCTOR_MODULE = '__hmr_doctor_client.js'

/**
 * Serves the rest of the browser side, which the watcher imports only when a socket failed or the page is
 * in a reload loop: healthy pages never ask for it. Only GET of that one file name under `@vite/`.
 */
export function doctorModuleMiddleware(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const path = req.url?.split('?', 1)[0] ?? ''
  if (req.method !== 'GET' || !path.endsWith(`/@vite/${DOCTOR_MODULE}`)) {
    next()
    return
  }
  doctorModule ??= readFileSync(new URL('./doctor-client.js', import.meta.url), 'utf8')
  res.writeHead(200, {
    'content-type': 'text/javascript',
    'content-length': Buffer.byteLength(doctorModule),
    'cache-control': 'no-cache',
  })
  res.end(doctorModule)
}

/**
 * The snippet prepended to Vite's client. It goes on the client's first line (the bundle has no line
 * breaks) so the client's source map stays right, and it runs before the client opens its socket. The
 * endpoint is resolved against the client's own URL, so it works behind a proxy prefix and on pages a
 * backend renders.
 */
export function clientSnippet(config: Omit<ClientConfig, 'endpoint' | 'doctorUrl'>): string {
  const resolve = (relative: string) => `new URL(${JSON.stringify(relative)},import.meta.url).href`
  const settings = `{...${JSON.stringify(config)},endpoint:${resolve(`?${REPORT_QUERY}`)},doctorUrl:${resolve(DOCTOR_MODULE)}}`
  return `;(()=>{${clientBundle()};__hmrDoctorClient.install(${settings})})();`
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
