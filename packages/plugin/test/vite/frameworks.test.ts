import { describe, expect, test } from 'vitest'
import type { Finding } from '../../src/diagnose/finding-types.js'
import { renderBrowser } from '../../src/render/browser.js'
import { renderFinding } from '../../src/render/finding.js'
import { configOwner, rendersOwnPages } from '../../src/vite/frameworks.js'
import { request, terminal, viteFacts } from '../fixtures.js'

const named = (...names: string[]) => names.map((name) => ({ name }))

describe('which framework owns what', () => {
  test.each([
    { plugins: named('vite:css', 'nuxt:dev-server', 'vite-plugin-hmr-doctor'), owner: 'nuxt', ownPages: false },
    { plugins: named('vite-plugin-sveltekit-setup', 'vite-plugin-svelte'), owner: null, ownPages: true },
    { plugins: named('vite:css', 'react-router', 'vite-plugin-hmr-doctor'), owner: null, ownPages: false },
    // A user plugin that merely mentions a framework is not that framework.
    { plugins: named('my-nuxt:thing', 'svelte-kit-ish'), owner: null, ownPages: false },
  ])('$plugins.0.name, $plugins.1.name: config owner $owner, renders its own pages: $ownPages', (row) => {
    expect(configOwner(row.plugins)).toBe(row.owner)
    expect(rendersOwnPages(row.plugins)).toBe(row.ownPages)
  })
})

/** Nuxt behind a bare nginx under a name: the handshake Nuxt's Vite sees at its `/_nuxt/` base. */
const handshake = request({ path: '/_nuxt/?token=…', host: '127.0.0.1:3000', origin: 'http://app.test:8080' })
const finding: Finding = {
  cause: 'upgrade-stripped',
  proxy: 'nginx',
  handshake,
  lost: ['Upgrade', 'Connection'],
  hmrServer: false,
  pageOrigin: handshake.origin,
  fallback: 'unknown',
  upstream: '127.0.0.1:3000',
  pageHostname: 'app.test',
}
const nuxt = viteFacts({ configOwner: 'nuxt', middlewareMode: true, listen: null, base: '/_nuxt/', hmrPath: '/_nuxt/' })

describe('a fix for Nuxt', () => {
  test("goes into nuxt.config's vite key, and says why", () => {
    const text = terminal(finding, nuxt)
    expect(
      text,
    ).toContain(`  nuxt.config, its vite key, merged into your config (add to any allowedHosts you already have):

    export default defineNuxtConfig({
      vite: {
        server: {
          allowedHosts: ['app.test'],
        },
      },
    })`)
    expect(text).toContain("Nuxt writes Vite's server options itself")
    expect(text).not.toMatch(/^ *vite\.config/m)
  })

  test('with nothing for Vite, says nuxt.config needs nothing, in the terminal and in the browser', () => {
    const allowed = { ...nuxt, allowedHosts: ['app.test'] }
    const text = terminal(finding, allowed)
    expect(text).toContain('  nuxt.config: nothing to change.')
    expect(text).not.toContain("Nuxt writes Vite's server options itself")
    expect(renderBrowser(renderFinding(finding, allowed)).lines).toContain('nuxt.config: nothing to change.')
  })

  test('a plain Vite keeps vite.config', () => {
    const text = terminal(finding)
    expect(text).toContain('  vite.config, merged into your config (add to any allowedHosts you already have):')
    expect(text).not.toContain('nuxt.config')
  })
})
