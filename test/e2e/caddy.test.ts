import { describe, test } from 'vitest'
import { BROWSER_MODES, expectHmrApplies, expectSilence, openPage } from '../harness/index.js'
import { useScenario } from '../harness/scenario.js'

const scenario = useScenario()

describe.each(BROWSER_MODES)('Caddy reverse_proxy, %s browser', (mode) => {
  // Caddy adds X-Forwarded-* and rewrites header names: none of that may read as a symptom.
  test('passes the socket as is: HMR applies, nothing printed, nothing sent', async () => {
    const vite = await scenario.vite()
    const { origin } = await scenario.caddy(`${vite.host}:${vite.port}`)
    const watched = await openPage(await scenario.context(mode), `${origin}/`)
    await expectHmrApplies(watched, vite)
    await expectSilence(vite, watched)
  })
})
