import { describe, expect, test } from 'vitest'
import { diagnose } from '../../../src/diagnose/diagnose.js'
import type { ServerEvent, SocketRecord } from '../../../src/evidence/evidence-types.js'
import { context, evidence, hanging, hmrSocket, report, socket, terminal, viteFacts } from '../../fixtures.js'

const underBase = { ...context, facts: viteFacts({ base: '/app2/' }) }

/** The page's socket under /app2/ as a page behind a front Vite reports it: hanging, its URL Vite's page. */
function behindVite(viteAtRoot = true, overrides: Partial<SocketRecord> = {}): SocketRecord {
  return {
    ...hanging,
    url: 'ws://localhost:8080/app2/?token=…',
    hop: { kind: 'vite-page', status: 200, server: null, ...(viteAtRoot && { viteAtRoot: true as const }) },
    ...overrides,
  }
}

describe('vite-proxy-unrelayed', () => {
  test("a hanging socket, its URL this Vite's page, another Vite's client at the origin's root: named, with ws: true", () => {
    const [finding] = diagnose(evidence(3000, [], [report(2100, [behindVite()])]), underBase)
    expect(finding).toMatchObject({ cause: 'vite-proxy-unrelayed', prefix: '/app2' })
    expect(terminal(finding as never)).toMatchInlineSnapshot(`
      "[hmr-doctor] Vite's server.proxy in front of this Vite carries its pages but not its HMR socket: the page's socket hangs.
        seen: the page at http://localhost:8080 dialled ws://localhost:8080/app2/?token=…, still connecting 1000 ms after it was created, and no handshake from that page reached this Vite; asked over plain HTTP, that URL answered with this Vite's page, and http://localhost:8080/@vite/client with another Vite's client
        Vite's server.proxy passes a WebSocket upgrade on only for an entry with ws: true; without it the front Vite's own HMR listener leaves the handshake for /app2/ unanswered.
        Vite's client dials no fallback while its socket hangs: this page gets no updates.

        the front Vite's vite.config, in its server.proxy entry for /app2:

          ws: true,

        vite.config: nothing to change.
        Then restart the front Vite."
    `)
  })

  test.each<[string, SocketRecord, ServerEvent[], typeof context]>([
    ['the origin serves no other Vite’s client', behindVite(false), [], underBase],
    ['the socket closed rather than hung', { ...socket(), hop: behindVite().hop } as SocketRecord, [], underBase],
    ['a handshake from that page reached Vite', behindVite(), [hmrSocket(1500)], underBase],
    ['this Vite sits at the root', behindVite(), [], context],
    [
      'the hop answered something else',
      behindVite(true, { hop: { kind: 'other', status: 404, server: null } }),
      [],
      underBase,
    ],
  ])('not named: %s', (_name, seen, events, diagnoseContext) => {
    const findings = diagnose(evidence(3000, events, [report(2100, [seen])]), diagnoseContext)
    expect(findings.map((finding) => finding.cause)).not.toContain('vite-proxy-unrelayed')
  })
})
