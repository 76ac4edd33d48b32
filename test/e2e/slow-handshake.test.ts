import { describe, expect, test } from 'vitest'
import { timing } from '../../packages/plugin/src/shared/timing.js'
import {
  BROWSER_MODES,
  expectHmrApplies,
  NOTICE_SELECTOR,
  openPage,
  outlastDoctor,
  type RunningVite,
  startNodeFront,
} from '../harness/index.js'
import { useScenario } from '../harness/scenario.js'

/**
 * Most of the time the watcher waits before it calls a connecting socket hanging, far beyond a healthy
 * handshake, as a slow hop can hold Vite's answer: the socket opens before anything needs to be sent.
 */
const HANDSHAKE_DELAY_MS = Math.round(timing.pendingSocketMs * 0.75)

/**
 * A healthy front that forwards every request and every upgrade to Vite, the upgrade only after a delay:
 * the handshake is slow, never broken.
 */
const SLOW_FRONT = `
import http from 'node:http'
import net from 'node:net'

const target = new URL(process.env.TARGET)
const upstream = { host: target.hostname, port: Number(target.port) }
const server = http.createServer((req, res) => {
  const forwarded = http.request({ ...upstream, method: req.method, path: req.url, headers: req.headers }, (answer) => {
    res.writeHead(answer.statusCode, answer.headers)
    answer.pipe(res)
  })
  forwarded.on('error', () => res.destroy())
  req.pipe(forwarded)
})
server.on('upgrade', (req, socket, head) => {
  socket.on('error', () => {})
  setTimeout(() => {
    const vite = net.connect(upstream, () => {
      const lines = [req.method + ' ' + req.url + ' HTTP/1.1']
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(req.rawHeaders[i] + ': ' + req.rawHeaders[i + 1])
      vite.write(lines.join('\\r\\n') + '\\r\\n\\r\\n')
      vite.write(head)
      vite.pipe(socket)
      socket.pipe(vite)
    })
    vite.on('error', () => socket.destroy())
  }, Number(process.env.DELAY_MS))
})
server.listen(Number(process.env.PORT), process.env.HOST, () => console.log('listening'))
`

const scenario = useScenario()

async function slowFront(vite: RunningVite) {
  const running = await startNodeFront(SLOW_FRONT, {
    TARGET: `http://${vite.host}:${vite.port}`,
    DELAY_MS: String(HANDSHAKE_DELAY_MS),
  })
  scenario.defer(() => running.stop())
  return running
}

describe.each(BROWSER_MODES)('a healthy handshake slower than the pending time, %s browser', (mode) => {
  test('the socket opens, HMR works, and the doctor says nothing anywhere', async () => {
    const vite = await scenario.vite()
    const front = await slowFront(vite)
    const context = await scenario.context(mode)
    // Vite's page loads documents, scripts and its socket; the doctor's probe and report would be fetches.
    const beyondVite: string[] = []
    context.on('request', (request) => {
      if (['fetch', 'xhr', 'ping'].includes(request.resourceType())) beyondVite.push(request.url())
    })
    const watched = await openPage(context, `${front.origin}/`)
    await expectHmrApplies(watched, vite)
    await outlastDoctor(vite, watched)
    expect(vite.logger.text()).not.toContain('[hmr-doctor]')
    expect(await watched.page.locator(NOTICE_SELECTOR).count()).toBe(0)
    expect(watched.console.filter((line) => /hmr-doctor/i.test(line))).toEqual([])
    // No request beyond Vite's own: not the doctor's module, not a probe of the socket's URL, not a report.
    expect(watched.doctorRequests).toEqual([])
    expect(beyondVite).toEqual([])
  })
})
