import { describe, expect, test } from 'vitest'
import { diagnose } from '../../../src/diagnose/diagnose.js'
import type { RequestSnapshot, ServerEvent } from '../../../src/evidence/evidence-types.js'
import { snapshotRequest } from '../../../src/evidence/request-snapshot.js'
import type { HopAnswer } from '../../../src/shared/protocol.js'
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

  /** As the CLI reports a handshake that hung through the hop while Vite, dialled straight, opened it. */
  const seenFromOutside = (hop: Pick<HopAnswer, 'kind' | 'poweredBy'>) => ({
    ...hanging,
    viteOpened: true as const,
    hop: { ...hop, status: 200, server: null },
  })

  test('from the CLI, behind Express: the Node fixes, with what the CLI saw', () => {
    const reports = [report(2100, [seenFromOutside({ kind: 'vite-page', poweredBy: 'Express' })])]
    const [finding] = diagnose(evidence(3000, [], reports), context)
    expect(finding).toMatchObject({ cause: 'upgrade-unrelayed', nodeClient: true, handshake: null })
    const text = terminal(finding as never)
    expect(text.split('\n').slice(0, 2).join('\n')).toMatchInlineSnapshot(`
      "[hmr-doctor] The Node proxy in front of Vite forwards the HMR handshake as a plain request and never relays Vite's answer: the page's socket hangs.
        seen: the page at http://localhost:8080 dialled ws://localhost:8080/?token=…: no answer in 1000 ms; asked over plain HTTP, that URL answered with Vite's page through a server that says X-Powered-By: Express; dialled straight at Vite (127.0.0.1:5173), the same handshake opened"
    `)
    expect(text).toContain("server.on('upgrade', proxy.upgrade)")
  })

  test('from the CLI, a hop that says nothing of itself: the hop described, no library lines', () => {
    const [finding] = diagnose(evidence(3000, [], [report(2100, [seenFromOutside({ kind: 'vite-page' })])]), context)
    const text = terminal(finding as never)
    expect(text.split('\n').slice(0, 3).join('\n')).toMatchInlineSnapshot(`
      "[hmr-doctor] The hop in front of Vite carries the HMR socket's URL to Vite over plain HTTP but not its handshake: the page's socket hangs.
        seen: the page at http://localhost:8080 dialled ws://localhost:8080/?token=…: no answer in 1000 ms; asked over plain HTTP, that URL answered with Vite's page; dialled straight at Vite (127.0.0.1:5173), the same handshake opened
        Vite's client dials no fallback while its socket hangs: this page gets no updates."
    `)
    expect(text).not.toContain('proxy.ws')
  })

  test.each([
    ['the hop answered its URL with a page of its own', seenFromOutside({ kind: 'other', poweredBy: 'Express' })],
    ['Vite dialled straight did not open it', { ...hanging, hop: { kind: 'vite-page', status: 200, server: null } }],
  ])('from the CLI, not named: %s', (_name, socketSeen) => {
    const findings = diagnose(evidence(3000, [], [report(2100, [socketSeen as typeof hanging])]), context)
    expect(findings.map((finding) => finding.cause)).not.toContain('upgrade-unrelayed')
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

  /** Vite's restart probe as the page reports it once it hangs: token-less, at the socket's path. */
  const hangingPing = { ...hanging, url: 'ws://localhost:8080/', ping: true as const }

  /** Vite's 101 to a ping from the page's origin, the connection ended `openForMs` after it arrived. */
  function pingAnswered(at: number, openForMs: number, overrides: Partial<RequestSnapshot> = {}): ServerEvent {
    const { request } = hmrSocket(at, { vouched: false, hasToken: false, wsProtocol: 'vite-ping', ...overrides })
    return { kind: 'ping-answered', request, openForMs, nodeClient: true }
  }

  test("the page's restart ping hangs after the front restarted, and Vite answered a ping from it: named, with the upgrade line", () => {
    const [finding] = diagnose(evidence(3000, [pingAnswered(1000, 2)], [report(2100, [hangingPing])]), context)
    expect(finding).toMatchObject({ cause: 'upgrade-unrelayed', ping: true, nodeClient: true, cutAfterMs: 2 })
    const text = terminal(finding as never)
    expect(text.split('\n').slice(0, 3).join('\n')).toMatchInlineSnapshot(`
      "[hmr-doctor] The Node proxy in front of Vite forwards the HMR handshake as a plain request and never relays Vite's answer: the page's socket hangs.
        seen: the page at http://localhost:8080 lost its HMR socket, and the vite-ping socket Vite's client then dials before it reloads (ws://localhost:8080/) was still connecting 1000 ms after it was created; Vite answered a vite-ping handshake from that page (GET /, its header names in lowercase as Node's HTTP client sends them) with 101, and the connection was cut 2 ms later, so the page never reloads
        Vite's client reloads the page only once that ping opens: until you reload it by hand, this page gets no updates."
    `)
    expect(text).toContain("server.on('upgrade', proxy.upgrade)")
  })

  test.each<[string, ServerEvent[], ReturnType<typeof report>[]]>([
    ['no ping reached Vite', [], [report(2100, [hangingPing])]],
    [
      'the ping came from another origin',
      [pingAnswered(1000, 2, { origin: 'http://other.test' })],
      [report(2100, [hangingPing])],
    ],
    ['the ping arrived after the report', [pingAnswered(2500, 2)], [report(2100, [hangingPing])]],
    ['the ping Vite answered lived on', [pingAnswered(1000, 5000)], [report(7000, [hangingPing])]],
    ['the page reported no hanging ping (a healthy restart sends nothing)', [pingAnswered(1000, 2)], []],
  ])('a ping, not named: %s', (_name, events, reports) => {
    const findings = diagnose(evidence(9000, events, reports), context)
    expect(findings.map((finding) => finding.cause)).not.toContain('upgrade-unrelayed')
  })

  /**
   * `GET /@vite/client` from Chromium as it reached the upstream, captured through HAProxy 2.6 and through
   * Express + http-proxy-middleware 3.x (http-proxy) and 4.x (httpxy): all lowercase; only HAProxy drops
   * `Connection`.
   */
  const BROWSER: [string, string][] = [
    ['sec-ch-ua-platform', '"Linux"'],
    ['user-agent', 'Mozilla/5.0 Chrome/156'],
    ['accept', '*/*'],
    ['sec-fetch-site', 'same-origin'],
    ['sec-fetch-mode', 'cors'],
    ['sec-fetch-dest', 'script'],
    ['referer', 'http://localhost:8080/'],
    ['accept-encoding', 'gzip, deflate, br'],
    ['accept-language', 'en-US'],
  ]
  const HOST: [string, string] = ['host', 'localhost:8080']
  /** As captured: HAProxy keeps the browser's order; http-proxy writes it reversed, Host last. */
  const CAPTURED_CLIENT_LOADS: Record<string, [string, string][]> = {
    'HAProxy 2.6': [HOST, ...BROWSER],
    'http-proxy-middleware 3.x': [...[...BROWSER].reverse(), ['connection', 'close'], HOST],
    'http-proxy-middleware 4.x': [HOST, ['connection', 'keep-alive'], ...BROWSER],
  }

  function clientLoad(at: number, raw: [string, string][]): ServerEvent {
    const headers: Record<string, string> = {}
    for (const [name, value] of raw) headers[name] = value
    const request = snapshotRequest(
      { method: 'GET', url: '/@vite/client', httpVersion: '1.1', headers, rawHeaders: raw.flat() },
      at,
      undefined,
    )
    return { kind: 'client-served', request }
  }

  test.each([
    ['HAProxy 2.6', false],
    ['http-proxy-middleware 3.x', true],
    ['http-proxy-middleware 4.x', true],
  ])("the page's client loaded through %s: the Node lines printed only for Node (%s)", (front, node) => {
    const events = [clientLoad(500, CAPTURED_CLIENT_LOADS[front] ?? []), ...answeredThenCut(1000, 3)]
    const [finding] = diagnose(evidence(3000, events, [report(2100, [hanging])]), context)
    expect(finding).toMatchObject({ cause: 'upgrade-unrelayed', nodeClient: node })
    expect(terminal(finding as never).includes('proxy.upgrade')).toBe(node)
  })
})
