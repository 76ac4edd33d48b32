import { describe, expect, test } from 'vitest'
import { diagnose } from '../../../src/diagnose/diagnose.js'
import type { ServerEvent } from '../../../src/evidence/evidence-types.js'
import { causes, context, evidence, handshake, report, socket, viteFacts } from '../../fixtures.js'

describe('proxy-error', () => {
  const withPath = viteFacts({ hmrPath: '/hmr', hmr: { path: 'hmr' } })
  function refused(status: number, server: string | null, kind: 'other' | 'vite-page' | 'upgrade-required' = 'other') {
    return socket({ url: 'ws://localhost:8080/hmr?token=…', hop: { kind, status, server } })
  }

  test.each<{ name: string; status: number; server: string | null; proxy: string }>([
    { name: "nginx's 404", status: 404, server: 'nginx/1.22.1', proxy: 'nginx' },
    { name: "nginx's 502", status: 502, server: 'nginx', proxy: 'nginx' },
    { name: "Apache's 503", status: 503, server: 'Apache/2.4.62 (Debian)', proxy: 'apache' },
    { name: "Caddy's 502", status: 502, server: 'Caddy', proxy: 'caddy' },
    { name: 'an unnamed hop (HAProxy sends no Server header)', status: 504, server: null, proxy: 'unknown' },
  ])('$name: the hop that answered, named by its Server header', ({ status, server, proxy }) => {
    const reports = [report(2000, [refused(status, server)])]
    expect(diagnose(evidence(5000, [], reports), { ...context, facts: withPath })).toEqual([
      {
        cause: 'proxy-error',
        proxy,
        status,
        server,
        socketUrl: 'ws://localhost:8080/hmr?token=…',
        path: '/hmr',
        pageOrigin: 'http://localhost:8080',
        fallback: 'unknown',
      },
    ])
  })

  test('HAProxy, named by its own error page where it sends no Server header', () => {
    const hop = { kind: 'other' as const, status: 503, server: null, errorPage: 'haproxy' as const }
    const reports = [report(2000, [socket({ url: 'ws://localhost:8080/hmr?token=…', hop })])]
    const [finding] = diagnose(evidence(5000, [], reports), { ...context, facts: withPath })
    expect(finding).toMatchObject({ cause: 'proxy-error', proxy: 'haproxy', status: 503 })
  })

  test("Express, by its own 404 page: marked as Express's, the proxy left unnamed", () => {
    const hop = { kind: 'other' as const, status: 404, server: null, errorPage: 'express' as const }
    const reports = [report(2000, [socket({ url: 'ws://localhost:8080/hmr?token=…', hop })])]
    const [finding] = diagnose(evidence(5000, [], reports), { ...context, facts: withPath })
    expect(finding).toMatchObject({ cause: 'proxy-error', proxy: 'unknown', status: 404, express: true })
  })

  test.each<{ name: string; sockets: ReturnType<typeof socket>[]; events?: ServerEvent[] }>([
    {
      name: "Vite's own page answered (the proxy flattened the handshake)",
      sockets: [refused(200, null, 'vite-page')],
    },
    { name: "Vite's socket server's 426", sockets: [refused(426, null, 'upgrade-required')] },
    { name: 'a success status from something else', sockets: [refused(200, 'nginx')] },
    { name: 'no probe at all', sockets: [socket({ url: 'ws://localhost:8080/hmr?token=…' })] },
    {
      name: "a handshake from the page reached Vite at the socket's path (the hop let it through)",
      sockets: [refused(502, 'nginx')],
      events: [handshake(1500, { path: '/hmr' })],
    },
  ])('not this cause: $name', ({ sockets, events = [] }) => {
    const findings = diagnose(evidence(5000, events, [report(2000, sockets)]), { ...context, facts: withPath })
    expect(causes(findings)).not.toContain('proxy-error')
  })

  test("Vite's direct fallback at base (it ignores hmr.path) doesn't count as the socket getting through", () => {
    const reports = [report(2000, [refused(404, 'nginx')])]
    const fallback = handshake(1500, { path: '/' })
    expect(causes(diagnose(evidence(5000, [fallback], reports), { ...context, facts: withPath }))).toContain(
      'proxy-error',
    )
  })
})
