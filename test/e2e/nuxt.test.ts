import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
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

// A framework compiles its first page on request: three files at a time on a loaded machine can take a minute.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 })

describe.each(BROWSER_MODES)('Nuxt (nuxt dev) behind nginx, %s browser', (mode) => {
  // One Nuxt for both tests (it takes seconds to start); the fix restarts it with the printed nuxt.config.
  let nuxt: RunningFramework
  beforeAll(async () => {
    nuxt = await nuxtDev()
  })
  afterAll(() => nuxt.stop())

  test('forwarding upgrades: silent, HMR works', async () => {
    const healthy = await scenario.nginx({
      upstream: `${nuxt.host}:${nuxt.port}`,
      http: WEBSOCKET_MAP,
      location: UPGRADE_HEADERS,
    })
    const page = await openPage(await scenario.context(mode), `${healthy.origin}/`)
    await expectHmrApplies(page, nuxt)
    await expectSilence(nuxt, page)
  })

  test('a bare proxy_pass under a name: named, its fix given in nuxt.config, applied, makes HMR work', async () => {
    const { nginx, site, port } = await scenario.nginx({ upstream: `${nuxt.host}:${nuxt.port}` })
    const origin = `http://${PROXY_NAME}:${port}`
    const context = await scenario.context(mode)
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
    nuxt = await nuxtDev({ port: nuxt.port, files: nuxtConfigWithPrintedFix(nuxtConfig) })
    await expectHmrApplies(await openPage(context, `${origin}/`), nuxt)
  })
})
