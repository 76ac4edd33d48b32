import { describe, expect, test, vi } from 'vitest'
import { BROWSER_MODES, expectSilentThenFixed, startViteCli } from '../harness/index.js'
import { useScenario } from '../harness/scenario.js'

const scenario = useScenario()

// A framework compiles its first page on request: three files at a time on a loaded machine can take a minute.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 })

describe.each(BROWSER_MODES)('SvelteKit (vite dev) behind nginx, %s browser', (mode) => {
  test('forwarding upgrades: silent, HMR works; a bare proxy_pass: named, its printed fix makes HMR work', async () => {
    const app = await startViteCli('sveltekit')
    scenario.defer(() => app.stop())
    const output = await expectSilentThenFixed(scenario, app, mode)
    expect(output).not.toContain('The browser dials the HMR socket at')
    // SvelteKit warns at startup about any plugin with an HTML hook it never calls: the doctor drops its own.
    expect(app.logger.text()).not.toContain('vite-plugin-hmr-doctor')
  })
})
