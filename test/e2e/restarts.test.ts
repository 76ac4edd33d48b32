import { test } from 'vitest'
import { expectHmrApplies, expectSilence, openPage, PROXY_HOST, waitFor } from '../harness/index.js'
import { useScenario } from '../harness/scenario.js'

const scenario = useScenario()

/**
 * Each restart of Vite closes the page's socket and Vite's client reloads the page, just as a proxy's idle
 * timeout would. Pages served by a new server are not one server's reload loop: they send nothing.
 */
test('a page left open through Vite restarts sends nothing and shows nothing', async () => {
  const vite = await scenario.vite({ host: PROXY_HOST })
  const context = await scenario.context('direct')
  const watched = await openPage(context, `http://${vite.host}:${vite.port}/`)
  await waitFor('the HMR socket', () => watched.console.some((line) => line.includes('[vite] connected.')))

  for (let restart = 1; restart <= 4; restart += 1) {
    await vite.server.restart()
    await waitFor(`reload ${restart}`, () => watched.reloads() >= restart, 20_000)
  }
  await expectHmrApplies(watched, vite)
  await expectSilence(vite, watched)
})
