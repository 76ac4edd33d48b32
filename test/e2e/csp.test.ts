import type { Plugin } from 'vite'
import { describe, expect, test } from 'vitest'
import {
  BROWSER_MODES,
  expectHmrApplies,
  freePort,
  nginxConfig,
  openPage,
  PROXY_HOST,
  printedBlock,
} from '../harness/index.js'
import { UPGRADE_HEADERS, useScenario, WEBSOCKET_MAP } from '../harness/scenario.js'

const SUMMARY = "[hmr-doctor] The page's Content-Security-Policy refuses the HMR socket"
const CSP_FIX =
  'The Content-Security-Policy that refuses it (a header from your app, a plugin or the proxy, or a <meta> tag), replacing its connect-src'
const scenario = useScenario()

/** A policy the way many guides write one: the page's origin as an http: source, which never matches ws:. */
const policy = (origin: string) => `default-src 'self'; script-src 'self' 'unsafe-inline'; connect-src ${origin}`

/** A backend's CSP, as a tiny plugin of the app would set it on every answer. */
function cspFromVite(header: () => string): Plugin {
  return {
    name: 'test:csp',
    configureServer(server) {
      server.middlewares.use((_req, res, next) => {
        res.setHeader('Content-Security-Policy', header())
        next()
      })
    },
  }
}

describe.each(BROWSER_MODES)('a CSP whose connect-src refuses the HMR socket, %s browser', (mode) => {
  test.each([{ source: 'nginx add_header' as const }, { source: 'a Vite plugin' as const }])(
    'set by $source: named as CSP with the source to add, and that source makes HMR work',
    async ({ source }) => {
      const port = await freePort(PROXY_HOST)
      const origin = `http://${PROXY_HOST}:${port}`
      let header = policy(origin)
      const vite = await scenario.vite(
        source === 'a Vite plugin' ? { config: { plugins: [cspFromVite(() => header)] } } : {},
      )
      const addHeader = (value: string) =>
        source === 'nginx add_header' ? `\nadd_header Content-Security-Policy "${value}" always;` : ''
      const location = (value: string) => `${UPGRADE_HEADERS}${addHeader(value)}`
      const { nginx, site } = await scenario.nginx(
        { upstream: `${vite.host}:${vite.port}`, http: WEBSOCKET_MAP, location: location(header) },
        { port },
      )
      const context = await scenario.context(mode)

      await openPage(context, `${origin}/`)
      const output = await scenario.diagnosis(vite, SUMMARY)
      expect(output).toContain(`the browser refused ws://${PROXY_HOST}:${port}/`)
      expect(output).not.toMatch(/nginx, inside|proxy_pass/)
      const fixed = printedBlock(output, CSP_FIX)
      expect(fixed).toBe(`connect-src ${origin} 'self'`)

      header = header.replace(/connect-src [^;]*/, fixed)
      await nginx.restart(nginxConfig({ ...site, location: location(header) }))
      const page = await openPage(context, `${origin}/`)
      await expectHmrApplies(page, vite)
    },
  )
})
