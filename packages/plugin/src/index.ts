import { randomBytes } from 'node:crypto'
import { type Plugin, version as viteVersion } from 'vite'
import { REPORT_PATH } from './client/protocol.js'
import { clientSnippet, isViteClient } from './client-inject.js'
import { createDoctor } from './doctor.js'
import { createReportEndpoint } from './evidence/report-endpoint.js'
import { observeServer } from './evidence/server-observer.js'
import { createHostCheck } from './host-check.js'
import { createKeepalive } from './keepalive.js'
import { type HmrDoctorOptions, resolveOptions } from './options.js'
import { pingIntervalBelow } from './render/vite-config.js'
import { timing } from './timing.js'
import { readViteFacts } from './vite-facts.js'

export type { HmrDoctorOptions } from './options.js'
export { silenceWindowMs, timing } from './timing.js'

/**
 * Finds out why Vite's HMR socket fails behind a reverse proxy and prints the exact fix, in the terminal
 * and in the browser. Silent while HMR works.
 */
export function hmrDoctor(options: HmrDoctorOptions = {}): Plugin {
  const resolved = resolveOptions(options)
  // Known only to the client snippet this server serves; the report endpoint refuses anyone else.
  const secret = randomBytes(18).toString('base64url')
  // With the WebSocket server turned off there is no socket to doctor, and a missing one is no symptom.
  let socketsOff = false

  return {
    name: 'vite-plugin-hmr-doctor',
    apply: 'serve',
    configResolved(config) {
      socketsOff = (config.server as { ws?: unknown }).ws === false
    },
    configureServer(server) {
      if (socketsOff) return
      const viteConfig = server.config
      const facts = () => readViteFacts(viteConfig, viteVersion, server.httpServer?.address())
      const serverStartedAt = Date.now()
      const keepalive = createKeepalive(server.ws, typeof resolved.keepalive === 'number' ? resolved.keepalive : null)
      const doctor = createDoctor({
        logger: viteConfig.logger,
        context: () => ({
          facts: facts(),
          socketGraceMs: resolved.socketGraceMs,
          serverStartedAt,
          keepaliveMs: keepalive.intervalMs,
        }),
        act: (findings) => {
          const idle = findings.find((finding) => finding.cause === 'idle-timeout')
          if (resolved.keepalive !== 'auto' || keepalive.intervalMs !== null || !idle) return false
          keepalive.enable(pingIntervalBelow(idle.idleMs))
          return true
        },
      })
      const base = readViteFacts(viteConfig, viteVersion, null)
      const scope = {
        clientPath: base.clientPath,
        base: base.base,
        hostAllowed: createHostCheck(base.httpHostCheck ? base.allowedHosts : true),
      }
      observeServer(server, scope, (event) => doctor.observe(event))
      server.middlewares.use(
        createReportEndpoint({
          path: `${base.base}${REPORT_PATH}`,
          secret,
          onReport: (report) => doctor.report(report),
        }),
      )
      server.httpServer?.once('close', () => {
        doctor.close()
        keepalive.close()
      })
    },
    transform(code, id) {
      if (socketsOff || !isViteClient(id, code)) return null
      return {
        code: clientSnippet({ secret, notice: resolved.notice, settleMs: timing.reportCapMs }) + code,
        map: null,
      }
    },
  }
}

export default hmrDoctor
