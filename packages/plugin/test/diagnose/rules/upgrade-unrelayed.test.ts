import { describe, expect, test } from 'vitest'
import { diagnose } from '../../../src/diagnose/diagnose.js'
import type { ServerEvent } from '../../../src/evidence/evidence-types.js'
import { context, evidence, hanging, hmrSocket, report, socket, terminal } from '../../fixtures.js'

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
