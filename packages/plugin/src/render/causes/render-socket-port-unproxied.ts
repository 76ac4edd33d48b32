import type { Finding } from '../../diagnose/finding-types.js'
import type { ViteFacts } from '../../vite/vite-facts.js'
import { afterwards } from '../afterwards.js'
import { DIRECT_ONLY_NOTE, forwardUpgradesNote } from '../notes.js'
import type { ConfigBlock, RenderedFinding } from '../rendered-types.js'

/**
 * Where a middleware-mode server hands Vite its own HTTP server, so the socket rides on the app's port.
 * Code, not a vite.config merge: an HTTP server object can't be written into a config file.
 */
function shareServerFix(facts: ViteFacts): ConfigBlock {
  return {
    where: 'your server script, where it creates Vite in middleware mode',
    text: `const httpServer = http.createServer(app) // import http from 'node:http'
const vite = await createViteServer({
  server: { middlewareMode: true, ${facts.hmrConfigKey}: { server: httpServer } },
})
httpServer.listen(port) // in place of app.listen(port)`,
  }
}

export function renderSocketPortUnproxied(
  finding: Extract<Finding, { cause: 'socket-port-unproxied' }>,
  facts: ViteFacts,
): RenderedFinding {
  const outcome = finding.opened
    ? 'it opened only because this browser reaches that port directly'
    : 'it never opened, and no handshake for it reached Vite'
  return {
    summary: `In middleware mode Vite serves the HMR socket on a port of its own (${finding.port}), apart from ${finding.clientOrigin} where the browser reaches your app.`,
    evidence: `the page at ${finding.clientOrigin} dialled ${finding.socketUrl}: ${outcome}`,
    notes: [
      ...(finding.opened ? [DIRECT_ONLY_NOTE] : []),
      `Give Vite your app's HTTP server for the socket (server.${facts.hmrConfigKey}.server): the proxy that carries the app then carries the socket too, and port ${finding.port} goes unused.`,
      forwardUpgradesNote(facts),
    ],
    proxy: [],
    vite: shareServerFix(facts),
    afterwards: afterwards({ script: true }, facts),
  }
}
