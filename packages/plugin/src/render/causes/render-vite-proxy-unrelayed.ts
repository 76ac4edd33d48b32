import type { Finding } from '../../diagnose/finding-types.js'
import { HANGING_NOTE } from '../notes.js'
import type { RenderedFinding } from '../rendered-types.js'

type ViteProxyUnrelayed = Extract<Finding, { cause: 'vite-proxy-unrelayed' }>

export function renderViteProxyUnrelayed(finding: ViteProxyUnrelayed): RenderedFinding {
  return {
    summary:
      "Vite's server.proxy in front of this Vite carries its pages but not its HMR socket: the page's socket hangs.",
    evidence: `the page at ${finding.pageOrigin} dialled ${finding.socketUrl}, still connecting ${finding.hangingAfterMs} ms after it was created, and no handshake from that page reached this Vite; asked over plain HTTP, that URL answered with this Vite's page, and ${finding.pageOrigin}/@vite/client with another Vite's client`,
    notes: [
      `Vite's server.proxy passes a WebSocket upgrade on only for an entry with ws: true; without it the front Vite's own HMR listener leaves the handshake for ${finding.prefix}/ unanswered.`,
      HANGING_NOTE,
    ],
    proxy: [
      { where: `the front Vite's vite.config, in its server.proxy entry for ${finding.prefix}`, text: 'ws: true,' },
    ],
    vite: null,
    afterwards: 'Then restart the front Vite.',
  }
}
