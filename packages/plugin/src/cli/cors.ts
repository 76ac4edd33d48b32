import type { HttpAnswer } from './http-get.js'
import type { Observations } from './observe.js'

/**
 * Whether a browser on `origin` may run the module Vite answered with: a page on another origin loads
 * `<script type="module">` in CORS mode, so without `Access-Control-Allow-Origin` naming it (or `*`) the
 * client never runs. Vite 5.4.12 / 6.0.9 on allow only localhost origins unless `server.cors` says more.
 */
export function corsAllows(answer: HttpAnswer, origin: string, url: URL): boolean {
  if (url.origin === origin) return true
  const allowed = answer.headers['access-control-allow-origin']
  return allowed === '*' || allowed === origin
}

/** The finding for a client a browser on the page's origin may not run, in the plugin's words and shape. */
export function corsFinding(observations: Observations) {
  const client = observations.clientTag?.url ?? observations.client
  const origin = observations.origin
  return {
    cause: 'client-cors-refused' as const,
    summary: `Vite's CORS policy refuses pages on ${origin}: a browser there never runs Vite's client, so no HMR.`,
    evidence: `client: ${client?.href ?? '?'} answered without Access-Control-Allow-Origin for ${origin}`,
    notes: [`Add ${origin} to server.cors.origin in vite.config (Vite allows only localhost origins by default).`],
    proxy: [],
    vite: null,
    afterwards: null,
  }
}
