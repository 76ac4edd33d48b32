import { describe, expect, test } from 'vitest'
import { type DiagnoseContext, diagnose } from '../src/diagnose/diagnose.js'
import type { ServerEvent } from '../src/evidence/evidence-types.js'
import { evidence, hmrSocket, report, socket, terminal, viteFacts } from './fixtures.js'

const context: DiagnoseContext = { facts: viteFacts(), socketGraceMs: 3000, serverStartedAt: 0 }

/** Still connecting when the page reported it, a second after it dialled. */
const hanging = socket({ closeCode: null, closedAfterMs: null, hangingAfterMs: 1000 })

/** Vite's 101 to a handshake a Node proxy forwarded, and the cut that followed `openForMs` later. */
function answeredThenCut(at: number, openForMs: number, code = 1006, overrides = {}): ServerEvent[] {
  const accepted = hmrSocket(at, overrides)
  return [
    { ...accepted, nodeClient: true } as ServerEvent,
    { kind: 'hmr-socket-closed', request: { ...accepted.request, at: at + openForMs }, openForMs, code },
  ]
}

describe('upgrade-unrelayed', () => {
  test('a hanging page socket, and Vite answered its handshake 101 then was cut: named, with the Node fixes', () => {
    const [finding] = diagnose(evidence(3000, answeredThenCut(1000, 3), [report(2100, [hanging])]), context)
    expect(finding).toMatchObject({ cause: 'upgrade-unrelayed', nodeClient: true, cutAfterMs: 3, hangingAfterMs: 1000 })
    const text = terminal(finding as never)
    expect(text).toContain("proxy.ws(req, socket, head, { target: 'http://127.0.0.1:5173' })")
    expect(text).toContain('ws: true,')
  })

  test('the same, from a hop that is not Node: the hop described, no library lines', () => {
    const events = answeredThenCut(1000, 3).map((event) =>
      event.kind === 'hmr-socket' ? { kind: event.kind, request: event.request } : event,
    )
    const [finding] = diagnose(evidence(3000, events, [report(2100, [hanging])]), context)
    expect(finding).toMatchObject({ cause: 'upgrade-unrelayed', nodeClient: false })
    const text = terminal(finding as never)
    expect(text).toContain('The hop in front of Vite')
    expect(text).not.toContain('proxy.ws')
  })

  test.each<[string, ServerEvent[], ReturnType<typeof report>[]]>([
    ['the page reported a closed socket, not a hanging one', answeredThenCut(1000, 3), [report(2100, [socket()])]],
    ['the socket Vite answered lived on (a close long after)', answeredThenCut(1000, 5000), [report(7000, [hanging])]],
    ['it closed cleanly, not cut', answeredThenCut(1000, 3, 1001), [report(2100, [hanging])]],
    [
      'a handshake without this server’s token',
      answeredThenCut(1000, 3, 1006, { vouched: false, hasToken: false }),
      [report(2100, [hanging])],
    ],
    ['from another page origin', answeredThenCut(1000, 3), [report(2100, [hanging], 'http://other.test:8080')]],
    ['the cut came after the report', answeredThenCut(3000, 3), [report(2100, [hanging])]],
  ])('not named: %s', (_name, events, reports) => {
    const findings = diagnose(evidence(9000, events, reports), context)
    expect(findings.map((finding) => finding.cause)).not.toContain('upgrade-unrelayed')
  })
})

/** A handshake from the page that reached Vite's server without Vite's subprotocol. */
function ignored(at: number, overrides = {}): ServerEvent {
  const { request } = hmrSocket(at, { wsProtocol: null, proxy: 'nginx', ...overrides })
  return { kind: 'upgrade-ignored', request }
}

describe('subprotocol-stripped', () => {
  test('a hanging page socket whose handshake reached Vite without vite-hmr: the hop and the header named', () => {
    const [finding] = diagnose(evidence(3000, [ignored(1000)], [report(2100, [hanging])]), context)
    expect(finding).toMatchObject({ cause: 'subprotocol-stripped', proxy: 'nginx' })
    const text = terminal(finding as never)
    expect(text).toContain('nginx removes the Sec-WebSocket-Protocol header')
    expect(text).toContain('reached Vite without a Sec-WebSocket-Protocol header')
  })

  test('a replaced value is quoted as it arrived', () => {
    const events = [ignored(1000, { wsProtocol: 'graphql-ws' })]
    const [finding] = diagnose(evidence(3000, events, [report(2100, [hanging])]), context)
    expect(terminal(finding as never)).toContain('nginx replaces the Sec-WebSocket-Protocol header')
  })

  test.each<[string, ServerEvent[], ReturnType<typeof report>[]]>([
    ['the page reported a closed socket, not a hanging one', [ignored(1000)], [report(2100, [socket()])]],
    ['an upgrade without this server’s token', [ignored(1000, { vouched: false })], [report(2100, [hanging])]],
    ['from another page origin', [ignored(1000)], [report(2100, [hanging], 'http://other.test:8080')]],
  ])('not named: %s', (_name, events, reports) => {
    const findings = diagnose(evidence(9000, events, reports), context)
    expect(findings.map((finding) => finding.cause)).not.toContain('subprotocol-stripped')
  })
})

describe('upgrade-contested', () => {
  const accepted = (overrides: Record<string, unknown>, vouched = true): ServerEvent =>
    ({ ...hmrSocket(1000, { vouched }), ...overrides }) as ServerEvent

  test('a ws server on the same server: named at once, with the routing in ws syntax', () => {
    const events = [accepted({ otherUpgradeListeners: 1, appWebSocketServer: true })]
    const [finding] = diagnose(evidence(1000, events), context)
    expect(finding).toMatchObject({ cause: 'upgrade-contested', otherListeners: 1 })
    expect(terminal(finding as never)).toContain("if (protocol === 'vite-hmr' || protocol === 'vite-ping') return")
  })

  test.each<[string, ServerEvent[]]>([
    // Vite's own server has listeners of its own beside its socket's; a quick close proves nothing.
    [
      'other listeners, none of them ws, the connection cut right away',
      [
        accepted({ otherUpgradeListeners: 1 }),
        {
          kind: 'hmr-socket-closed',
          request: { ...accepted({}).request, at: 1002 },
          openForMs: 2,
          code: 1006,
        },
      ],
    ],
    [
      'a ws server, but the handshake had no token',
      [accepted({ otherUpgradeListeners: 1, appWebSocketServer: true }, false)],
    ],
  ])('not named: %s', (_name, events) => {
    const findings = diagnose(evidence(9000, events), context)
    expect(findings.map((finding) => finding.cause)).not.toContain('upgrade-contested')
  })
})
