import { describe, expect, test } from 'vitest'
import {
  BROWSER_MODES,
  expectHmrApplies,
  expectSilence,
  fixtureFile,
  fixtureModule,
  nginxConfig,
  openPage,
  PROXY_NAME,
  printedBlock,
  type RunningFramework,
  startFramework,
} from '../harness/index.js'
import { UPGRADE_HEADERS, useScenario, WEBSOCKET_MAP } from '../harness/scenario.js'

const scenario = useScenario({ names: true })

/** Where the doctor puts a Vite option for Nuxt, which writes Vite's server options itself. */
const NUXT_CONFIG_BLOCK =
  'nuxt.config, its vite key, merged into your config (add to any allowedHosts you already have)'

/** `nuxt dev`, as `npx nuxt dev` runs it, on `port`; `files` replace or add files of the project. */
function nuxtDev(options: { port?: number; files?: Record<string, string> } = {}): Promise<RunningFramework> {
  return startFramework(
    'nuxt',
    (port, host) => [fixtureModule('nuxt', 'nuxt/bin/nuxt.mjs'), 'dev', '--host', host, '--port', String(port)],
    options,
  )
}

/**
 * The user's nuxt.config with a printed block "merged into your config", as Nuxt merges configs itself:
 * the printed file, verbatim, as a layer the user's config extends.
 */
function nuxtConfigWithPrintedFix(printed: string): Record<string, string> {
  const user = fixtureFile('nuxt', 'nuxt.config.ts')
  return {
    'fix/nuxt.config.ts': printed,
    'nuxt.config.ts': user.replace('defineNuxtConfig({', "defineNuxtConfig({\n  extends: ['./fix'],"),
  }
}

describe.each(BROWSER_MODES)('Nuxt (nuxt dev) behind nginx, %s browser', (mode) => {
  test('forwarding upgrades: silent, HMR works; a bare proxy_pass under a name: named, its fix given in nuxt.config, applied, makes HMR work', async () => {
    let nuxt = await nuxtDev()
    scenario.defer(() => nuxt.stop())
    const upstream = `${nuxt.host}:${nuxt.port}`
    const context = await scenario.context(mode)
    const healthy = await scenario.nginx({ upstream, http: WEBSOCKET_MAP, location: UPGRADE_HEADERS })
    const page = await openPage(context, `${healthy.origin}/`)
    await expectHmrApplies(page, nuxt)
    await expectSilence(nuxt, page)
    await page.page.close()

    const { nginx, site, port } = await scenario.nginx({ upstream })
    const origin = `http://${PROXY_NAME}:${port}`
    await openPage(context, `${origin}/`)
    const output = await scenario.diagnosis(nuxt, '[hmr-doctor] nginx drops the WebSocket upgrade')
    expect(output).toContain('location = /_nuxt/ {')
    expect(output).not.toMatch(/^ *vite\.config/m)
    const nuxtConfig = printedBlock(output, NUXT_CONFIG_BLOCK)
    expect(nuxtConfig).toContain('export default defineNuxtConfig({')

    await nginx.restart(
      nginxConfig({
        ...site,
        http: printedBlock(output, 'nginx, inside http {}'),
        server: printedBlock(output, 'nginx, inside the server {} that proxies Vite'),
      }),
    )
    await nuxt.stop()
    nuxt = await nuxtDev({ port: Number(upstream.split(':')[1]), files: nuxtConfigWithPrintedFix(nuxtConfig) })
    await expectHmrApplies(await openPage(context, `${origin}/`), nuxt)
  })
})
