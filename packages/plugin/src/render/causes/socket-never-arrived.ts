import type { Finding } from '../../diagnose/types.js'
import type { ViteFacts } from '../../vite-facts.js'
import { fallbackNote, vitePort } from '../common.js'
import type { RenderedFinding } from '../types.js'

export function renderSocketNeverArrived(
  finding: Extract<Finding, { cause: 'socket-never-arrived' }>,
  facts: ViteFacts,
): RenderedFinding {
  const dialled = finding.socketUrl ? `dialled ${finding.socketUrl}` : `loaded ${facts.clientPath}`
  const page = finding.pageOrigin ? `The page at ${finding.pageOrigin} ` : 'A page '
  const port = vitePort(facts)
  return {
    summary: "The browser's HMR socket never reached Vite.",
    evidence: `${page}${dialled}; no handshake for ${facts.hmrPath} arrived at Vite.`,
    notes: [
      ...fallbackNote(finding.fallback, facts),
      `Make the proxy forward ${facts.hmrPath} to Vite${port === null ? '' : ` (port ${port})`} as a WebSocket, or point the browser at a port it can reach with server.${facts.hmrConfigKey}.clientPort.`,
    ],
    proxy: [],
    vite: null,
    afterwards: null,
  }
}
