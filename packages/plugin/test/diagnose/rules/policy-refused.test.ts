import { describe, expect, test } from 'vitest'
import { diagnose } from '../../../src/diagnose/diagnose.js'
import type { Finding } from '../../../src/diagnose/finding-types.js'
import { parseClientReport } from '../../../src/evidence/client-report.js'
import type { ClientReport } from '../../../src/evidence/evidence-types.js'
import { timing } from '../../../src/shared/timing.js'
import { evidence, report, socket, terminal, viteFacts } from '../../fixtures.js'

const context = { facts: viteFacts(), socketGraceMs: timing.socketGraceMs, serverStartedAt: 0 }

function refused(policy: string, sockets = [socket()], pageOrigin = 'http://localhost:8080'): ClientReport {
  const blockedUri = sockets[0]?.url.replace(/\?.*$/, '') ?? ''
  return { ...report(2000, sockets, pageOrigin), refusals: [{ directive: 'connect-src', blockedUri, policy }] }
}

describe('policy-refused', () => {
  test.each<{ name: string; report: ClientReport; source: string; sources: string[] | null }>([
    {
      name: "the page's origin as an http: source: 'self' is what matches ws: there",
      report: refused("default-src 'self'; connect-src http://localhost:8080"),
      source: "'self'",
      sources: ['http://localhost:8080'],
    },
    {
      name: 'no connect-src: default-src stands in for it',
      report: refused("default-src 'none'"),
      source: "'self'",
      sources: ["'none'"],
    },
    {
      name: "a socket on another port than the page's: its own ws: origin",
      report: refused("connect-src 'self'", [socket({ url: 'ws://localhost:5173/?token=…' })]),
      source: 'ws://localhost:5173',
      sources: ["'self'"],
    },
    {
      name: 'an https page dialling its own wss: socket',
      report: refused('connect-src https:', [socket({ url: 'wss://app.test/?token=…' })], 'https://app.test'),
      source: "'self'",
      sources: ['https:'],
    },
  ])('$name', ({ report: refusedReport, source, sources }) => {
    const [finding] = diagnose(evidence(3000, [], [refusedReport]), context)
    expect(finding).toMatchObject({ cause: 'policy-refused', source, sources })
  })

  test('a refusal of some other URL than the failed socket explains nothing', () => {
    const other = {
      ...refused("connect-src 'self'"),
      refusals: [{ directive: 'connect-src', blockedUri: 'ws://elsewhere.test/', policy: "connect-src 'self'" }],
    }
    expect(diagnose(evidence(3000, [], [other]), context).map((finding) => finding.cause)).not.toContain(
      'policy-refused',
    )
  })

  test('the message names the CSP, what it refused, and the connect-src to paste over its own; no proxy lines', () => {
    const [finding] = diagnose(
      evidence(3000, [], [refused("default-src 'self'; connect-src http://localhost:8080")]),
      context,
    )
    expect(terminal(finding as Finding)).toMatchInlineSnapshot(`
      "[hmr-doctor] The page's Content-Security-Policy refuses the HMR socket: its connect-src doesn't allow ws://localhost:8080/.
        seen: the browser refused ws://localhost:8080/?token=… under connect-src, on the page at http://localhost:8080 (its connect-src: http://localhost:8080); the socket never left the page
        An http: source doesn't match a ws: URL (CSP3); 'self' matches ws: and wss: at the page's own host and port.

        The Content-Security-Policy that refuses it (a header from your app, a plugin or the proxy, or a <meta> tag), replacing its connect-src:

          connect-src http://localhost:8080 'self'

        vite.config: nothing to change."
    `)
  })
})

describe('refusals in a report', () => {
  const body = (refusals: unknown) =>
    JSON.stringify({ pageOrigin: 'http://localhost:8080', sockets: [socket()], closes: [], refusals })

  test('kept when well-formed, refused whole when not', () => {
    const good = parseClientReport(
      body([{ directive: 'connect-src', blockedUri: 'ws://localhost:8080/', policy: "connect-src 'self'" }]),
      0,
      'http://localhost:8080',
    )
    expect(good.ok && good.report.refusals).toEqual([
      { directive: 'connect-src', blockedUri: 'ws://localhost:8080/', policy: "connect-src 'self'" },
    ])
    for (const bad of [
      [{ directive: 'connect src!', blockedUri: 'ws://localhost:8080/', policy: '' }],
      [{ directive: 'connect-src', blockedUri: 'https://localhost:8080/', policy: '' }],
      [{ directive: 'connect-src', blockedUri: 'ws://localhost:8080/', policy: 'x'.repeat(601) }],
      Array.from({ length: 5 }, () => ({ directive: 'connect-src', blockedUri: 'ws://a/', policy: '' })),
    ]) {
      expect(parseClientReport(body(bad), 0, 'http://localhost:8080').ok).toBe(false)
    }
  })
})
