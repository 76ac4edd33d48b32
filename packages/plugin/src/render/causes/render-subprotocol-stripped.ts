import type { Finding } from '../../diagnose/finding-types.js'
import { HMR_PROTOCOL, PING_PROTOCOL } from '../../shared/protocol.js'
import { HANGING_NOTE } from '../notes.js'
import { proxyName, proxyNameInline } from '../proxies/syntaxes.js'
import type { RenderedFinding } from '../rendered-types.js'

type SubprotocolStripped = Extract<Finding, { cause: 'subprotocol-stripped' }>

export function renderSubprotocolStripped(finding: SubprotocolStripped): RenderedFinding {
  const { handshake } = finding
  const name = proxyName(finding.proxy)
  const arrived =
    handshake.wsProtocol === null
      ? 'without a Sec-WebSocket-Protocol header'
      : `with Sec-WebSocket-Protocol: ${handshake.wsProtocol}`
  return {
    summary: `${name} ${handshake.wsProtocol === null ? 'removes' : 'replaces'} the Sec-WebSocket-Protocol header of the HMR handshake: Vite leaves it unanswered, and the page's socket hangs.`,
    evidence: `the page at ${finding.pageOrigin} dialled ${finding.socketUrl} with Sec-WebSocket-Protocol: ${HMR_PROTOCOL}, still connecting ${finding.hangingAfterMs} ms after it was created; its handshake (${handshake.method} ${handshake.path}${handshake.vouched ? ", carrying this server's token" : ''}) reached Vite ${arrived}`,
    notes: [
      `Vite answers only the ${HMR_PROTOCOL} and ${PING_PROTOCOL} subprotocols on its socket's path. Make ${proxyNameInline(finding.proxy)} pass Sec-WebSocket-Protocol on to Vite as the browser sent it (look for a line that sets or clears it).`,
      HANGING_NOTE,
    ],
    proxy: [],
    vite: null,
    afterwards: null,
  }
}
