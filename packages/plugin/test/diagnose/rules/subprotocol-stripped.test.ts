import { describe, expect, test } from 'vitest'
import { diagnose } from '../../../src/diagnose/diagnose.js'
import type { ServerEvent } from '../../../src/evidence/evidence-types.js'
import { context, evidence, hanging, hmrSocket, report, socket, terminal } from '../../fixtures.js'

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
