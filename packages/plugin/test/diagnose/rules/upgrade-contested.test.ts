import { describe, expect, test } from 'vitest'
import { diagnose } from '../../../src/diagnose/diagnose.js'
import type { ServerEvent } from '../../../src/evidence/evidence-types.js'
import { context, evidence, hmrSocket, terminal } from '../../fixtures.js'

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
