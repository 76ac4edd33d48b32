import { describe, expect, test } from 'vitest'
import { type DiagnoseContext, diagnose } from '../../../src/diagnose/diagnose.js'
import type { Finding } from '../../../src/diagnose/finding-types.js'
import type { ClientReport, ServerEvent } from '../../../src/evidence/evidence-types.js'
import { renderFinding } from '../../../src/render/finding.js'
import type { ViteFacts } from '../../../src/vite/vite-facts.js'
import { clientServed, evidence, hmrSocket, report, socket, viteFacts } from '../../fixtures.js'

/** Middleware mode: no HTTP server of Vite's own; the app listens on 3000, Vite's socket server on 24678. */
const middleware = viteFacts({ middlewareMode: true, listen: null, hmrServerPort: 24678, directFallback: false })
const context: DiagnoseContext = { facts: middleware, socketGraceMs: 3000, serverStartedAt: 0 }

/** The page at `pageOrigin` loaded Vite's client from its own origin; the load landed on `landedOn`. */
function clientLoad(pageOrigin: string, landedOn: number): ServerEvent {
  return clientServed(900, { refererOrigin: pageOrigin, localPort: landedOn })
}

/** A socket that opened on Vite's own socket server, dialled from a page at `pageOrigin`. */
function socketOn24678(pageOrigin: string): ServerEvent {
  return hmrSocket(1000, { host: `${new URL(pageOrigin).hostname}:24678`, origin: pageOrigin, localPort: 24678 })
}

function failedAt(url: string, pageOrigin: string, clientOrigin = pageOrigin): ClientReport {
  return { ...report(2000, [socket({ url })], pageOrigin), clientOrigin }
}

function run(events: ServerEvent[], reports: ClientReport[] = [], facts: ViteFacts = middleware): Finding[] {
  return diagnose(evidence(5000, events, reports), { ...context, facts })
}

describe('socket-port-unproxied', () => {
  test.each<{ name: string; events?: ServerEvent[]; reports?: ClientReport[]; expected: Finding }>([
    {
      name: "the browser's socket to Vite's own port failed, the page came through a proxy on 8080",
      reports: [failedAt('ws://localhost:24678/?token=…', 'http://localhost:8080')],
      expected: {
        cause: 'socket-port-unproxied',
        clientOrigin: 'http://localhost:8080',
        socketUrl: 'ws://localhost:24678/?token=…',
        opened: false,
        port: 24678,
      },
    },
    {
      name: 'an https page on the default port: its socket to 24678 failed',
      reports: [failedAt('wss://app.test:24678/?token=…', 'https://app.test')],
      expected: {
        cause: 'socket-port-unproxied',
        clientOrigin: 'https://app.test',
        socketUrl: 'wss://app.test:24678/?token=…',
        opened: false,
        port: 24678,
      },
    },
    {
      name: 'a socket opened on 24678 from a page whose client load landed on the app through a proxy',
      events: [clientLoad('http://localhost:8080', 3000), socketOn24678('http://localhost:8080')],
      expected: {
        cause: 'socket-port-unproxied',
        clientOrigin: 'http://localhost:8080',
        socketUrl: 'ws://localhost:24678/',
        opened: true,
        port: 24678,
      },
    },
  ])('$name', ({ events = [], reports = [], expected }) => {
    expect(run(events, reports)).toEqual([expected])
  })

  test.each<{ name: string; events?: ServerEvent[]; reports?: ClientReport[]; facts?: ViteFacts }>([
    {
      name: 'the page straight from the app (its load landed on the port it names)',
      events: [clientLoad('http://localhost:3000', 3000), socketOn24678('http://localhost:3000')],
    },
    {
      name: 'no client load from that page at all',
      events: [socketOn24678('http://localhost:8080')],
    },
    {
      name: 'a socket without the token: anyone can send one',
      events: [
        clientLoad('http://localhost:8080', 3000),
        hmrSocket(1000, { host: 'localhost:24678', origin: 'http://localhost:8080', vouched: false }),
      ],
    },
    {
      name: 'the socket shares the app server (ws.server): no port of its own',
      events: [clientLoad('http://localhost:8080', 3000), socketOn24678('http://localhost:8080')],
      reports: [failedAt('ws://localhost:24678/?token=…', 'http://localhost:8080')],
      facts: { ...middleware, hmrServerPort: null, hmr: { server: true } },
    },
    {
      name: 'clientPort is set: the user chose where the browser dials',
      events: [clientLoad('http://localhost:8080', 3000), socketOn24678('http://localhost:8080')],
      facts: { ...middleware, hmr: { clientPort: 8080 } },
    },
    {
      name: 'a separate hmr.port outside middleware mode (socket-misdirected folds it into Vite)',
      events: [clientLoad('http://localhost:8080', 5173), socketOn24678('http://localhost:8080')],
      facts: viteFacts({ hmr: { port: 24678 }, hmrServerPort: 24678 }),
    },
  ])('nothing of it for $name', ({ events = [], reports = [], facts }) => {
    expect(run(events, reports, facts).map((finding) => finding.cause)).not.toContain('socket-port-unproxied')
  })

  test('never a clientPort (the app server has no socket for it), nor a misdirected socket', () => {
    const findings = run([], [failedAt('ws://localhost:24678/?token=…', 'http://localhost:8080')])
    expect(findings.map((finding) => finding.cause)).toEqual(['socket-port-unproxied'])
    const [finding] = findings
    if (!finding) throw new Error('no finding')
    const rendered = renderFinding(finding, middleware)
    expect(rendered.vite?.text).toContain('server: { middlewareMode: true, ws: { server: httpServer } },')
    expect(JSON.stringify(rendered)).not.toMatch(/clientPort|\?\)|port \?/)
  })

  test('the fix names the key this Vite wants', () => {
    const facts = { ...middleware, hmrConfigKey: 'hmr' as const, viteVersion: '7.3.8' }
    const [finding] = run([], [failedAt('ws://localhost:24678/?token=…', 'http://localhost:8080')], facts)
    if (!finding) throw new Error('no finding')
    expect(renderFinding(finding, facts).vite?.text).toContain('hmr: { server: httpServer }')
  })
})
