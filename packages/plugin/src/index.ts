import { randomBytes } from 'node:crypto'
import { type Plugin, version as viteVersion } from 'vite'
import type { ServerEvent } from './evidence/evidence-types.js'
import { corroborateHost, createLocalHostCheck } from './evidence/local-host.js'
import { createReportEndpoint } from './evidence/report-endpoint.js'
import { observeServer } from './evidence/server-observer.js'
import { type HmrDoctorOptions, resolveOptions } from './options.js'
import {
  beforeHeadEnd,
  clientSnippet,
  doctorModuleMiddleware,
  isViteClient,
  pageBeacon,
  prependToClient,
  VITE_CLIENT_ID,
} from './server/client-inject.js'
import { createDoctor } from './server/doctor.js'
import { createErrorSink } from './server/error-sink.js'
import { createKeepalive } from './server/keepalive.js'
import { pingIntervalBelow } from './shared/timing.js'
import { rendersOwnPages } from './vite/frameworks.js'
import { createHostCheck } from './vite/host-check.js'
import { readViteFacts } from './vite/vite-facts.js'

export type { HmrDoctorOptions } from './options.js'

/**
 * Finds out why Vite's HMR socket fails behind a reverse proxy and prints the exact fix, in the terminal
 * and in the browser. Silent while HMR works.
 */
export function hmrDoctor(options: HmrDoctorOptions = {}): Plugin {
  const resolved = resolveOptions(options)
  // Known only to the client snippet this server serves; the report endpoint refuses anyone else.
  const secret = randomBytes(18).toString('base64url')
  // Names the running server in the page's close history: closes under another name were a restart, not
  // a loop. Per server, not per plugin: a restart may reuse this plugin object.
  let serverId = ''
  // With the WebSocket server turned off there is no socket to doctor, and a missing one is no symptom.
  let socketsOff = false
  let directFallback = true
  // What stops the doctor of each server in middleware mode, where the close of its plugin container is the
  // only sign (with its own HTTP server, that server's close stops it). A restart makes the new server before
  // it closes the old one, and may reuse this plugin: containers close in the order their servers were made.
  const containerStops: Array<() => void> = []
  // Made once: Vite asks for them on every page it serves (it caches no HTML), and reads them, never changes them.
  const beacon = pageBeacon(secret)
  const beaconHtml = `<script type="module">${beacon}</script>`
  // For a page without `</head>`, the end of its body: where Vite puts a `head` tag then (after `<body>`, or
  // at the very start of a fragment) can be before its own client, whose flag the beacon would then miss.
  const beaconTags = [{ tag: 'script', attrs: { type: 'module' }, children: beacon, injectTo: 'body' as const }]

  const plugin: Plugin = {
    name: 'vite-plugin-hmr-doctor',
    apply: 'serve',
    configResolved: {
      // Before a framework's own configResolved, which may list the plugins that have an HTML hook.
      order: 'pre',
      handler(config) {
        socketsOff = (config.server as { ws?: unknown }).ws === false
        directFallback = readViteFacts(config, viteVersion, null).directFallback
        if (rendersOwnPages(config.plugins)) delete plugin.transformIndexHtml
      },
    },
    configureServer: {
      // First among the plugins, so the doctor's routes (mounted after Vite's own middlewares, below) come
      // before a framework's catch-all mounted there too: SvelteKit's and React Router's page handlers.
      order: 'pre',
      handler(server) {
        if (socketsOff) return
        serverId = randomBytes(6).toString('base64url')
        const viteConfig = server.config
        const errors = createErrorSink(viteConfig.logger)
        const serverStartedAt = Date.now()
        const keepalive = createKeepalive(
          server.ws,
          typeof resolved.keepalive === 'number' ? resolved.keepalive : null,
          errors,
        )
        const doctor = createDoctor({
          logger: viteConfig.logger,
          errors,
          context: () => ({
            facts: readViteFacts(viteConfig, viteVersion, server.httpServer?.address()),
            socketGraceMs: resolved.socketGraceMs,
            serverStartedAt,
          }),
          keepalive: {
            get intervalMs() {
              return keepalive.intervalMs
            },
            onIdleTimeout(idleMs) {
              if (resolved.keepalive === 'auto' && keepalive.intervalMs === null)
                keepalive.enable(pingIntervalBelow(idleMs))
            },
          },
        })
        const base = readViteFacts(viteConfig, viteVersion, null)
        const scope = {
          clientPath: base.clientPath,
          base: base.base,
          hostAllowed: createHostCheck(base.httpHostCheck ? base.allowedHosts : true),
          token: (viteConfig as { webSocketToken?: string }).webSocketToken,
          hmrServerPort: base.hmrServerPort,
        }
        const isLocal = createLocalHostCheck()
        const observe = corroborateHost(isLocal, (event: ServerEvent) => doctor.observe(event), errors)
        const stopObserving = observeServer(server, scope, observe, errors)
        const reportEndpoint = createReportEndpoint({
          secret,
          errors,
          onReport: (report) => doctor.report(report),
          // A report's answer can't wait for a lookup: its Host counts as this machine's only once known to be.
          onPage: (page) =>
            doctor.page(page.host !== null && isLocal.settled(page.host) ? { ...page, hostSource: 'local' } : page),
        })
        const stop = () => {
          stopObserving()
          doctor.close()
          keepalive.close()
        }
        if (server.httpServer) server.httpServer.once('close', stop)
        else containerStops.push(stop)
        // After Vite's own middlewares, so modules, the client and static files never pass through these
        // routes: only pages, POSTs and unknown URLs arrive.
        return () => {
          server.middlewares.use((req, res, next) =>
            req.method === 'GET' || req.method === 'HEAD'
              ? doctorModuleMiddleware(req, res, next)
              : reportEndpoint(req, res, next),
          )
        }
      },
    },
    buildEnd() {
      // Vite 6 and later close a container per environment: the client's stands for its server.
      const environment = (this as { environment?: { name: string } }).environment
      if (environment === undefined || environment.name === 'client') containerStops.shift()?.()
    },
    transformIndexHtml(html) {
      if (socketsOff) return
      // After Vite's own client tag (it prepends to head), so the check runs once the client ran or failed.
      return beforeHeadEnd(html, beaconHtml) ?? beaconTags
    },
    transform: {
      // After Vite's own transforms, so the client's source map is made from the text the page gets.
      order: 'post',
      // Vite 6.3 and later skip the call for every other module; older ones ignore this and rely on the check.
      filter: { id: VITE_CLIENT_ID },
      handler(code, id) {
        if (socketsOff || !isViteClient(id, code)) return null
        const snippet = clientSnippet({
          secret,
          serverId,
          notice: resolved.notice,
          directFallback,
        })
        // No map for Vite to chain: the code carries its own (see prependToClient).
        return { code: prependToClient(code, snippet), map: null }
      },
    },
  }
  return plugin
}

export default hmrDoctor
