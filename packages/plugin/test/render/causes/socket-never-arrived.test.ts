import { expect, test } from 'vitest'
import type { Finding } from '../../../src/diagnose/finding-types.js'
import type { SocketRecord } from '../../../src/evidence/evidence-types.js'
import { renderFinding } from '../../../src/render/finding.js'
import { NEVER_ARRIVED, terminal, viteFacts } from '../../fixtures.js'

/** Every value a sentence of the generic finding prints: URLs, and numbers (ports, codes, statuses, times). */
function printedValues(text: string): string[] {
  return text.match(/[a-z]+:\/\/[^\s;,)]+|\b\d+(?:\.\d+)?\b/g) ?? []
}

test('socket-never-arrived, which no rule explains: what was seen and no fix', () => {
  expect(terminal(NEVER_ARRIVED, viteFacts({ hmrConfigKey: 'hmr' }))).toMatchInlineSnapshot(`
    "[hmr-doctor] The browser's HMR socket never reached Vite.
      seen: The page at https://app.test dialled wss://app.test/?token=…; no handshake of any kind for / arrived at Vite.
      Vite's direct fallback to port 5173 failed too: this page gets no updates.
      No rule of the doctor explains this failure, so it prints what it saw and no fix."
  `)
})

test.each<{ name: string; failed?: SocketRecord }>([
  { name: 'no socket record' },
  {
    name: 'closed 1006 after 12 ms, a proxy answered 502',
    failed: {
      url: 'wss://app.test/?token=…',
      opened: false,
      closeCode: 1006,
      openedAfterMs: null,
      closedAfterMs: 12,
      error: null,
      hop: { kind: 'other', status: 502, server: 'Gateway/2' },
    },
  },
  {
    name: 'the constructor threw',
    failed: {
      url: 'ws://app.test/',
      opened: false,
      closeCode: null,
      openedAfterMs: null,
      closedAfterMs: null,
      error: 'SecurityError: insecure',
    },
  },
  {
    name: 'no answer within the cap',
    failed: {
      url: 'wss://app.test/',
      opened: false,
      closeCode: 1006,
      openedAfterMs: null,
      closedAfterMs: 900,
      error: null,
      hop: { kind: 'timeout', status: null, server: null },
    },
  },
])('the generic finding ($name): every value it prints comes from its evidence, and it prints no fix', ({ failed }) => {
  const finding: Finding = { ...NEVER_ARRIVED, ...(failed && { failed }) }
  const facts = viteFacts()
  const rendered = renderFinding(finding, facts)
  expect(rendered.proxy).toEqual([])
  expect(rendered.vite).toBeNull()
  expect(rendered.afterwards).toBeNull()
  // The facts the doctor read from Vite (its port, its path) and the report's own fields are the evidence.
  const evidence = `${JSON.stringify(finding)} ${JSON.stringify(facts)} 1.0`
  const text = [rendered.summary, rendered.evidence, ...rendered.notes].join('\n')
  expect(text).not.toMatch(/\b(Make|Set|Add|Route|Point|Raise|Remove|Replace)\b/)
  for (const value of printedValues(text)) {
    expect(evidence, `"${value}" in: ${text}`).toContain(value)
  }
})

test("a socket held by the proxy its report came through gets that proxy's route to where Vite listens", () => {
  const held: Finding = {
    ...NEVER_ARRIVED,
    pageOrigin: 'http://app.test',
    socketUrl: 'ws://app.test/hmr?token=…',
    proxy: 'haproxy',
  }
  const text = terminal(held, viteFacts({ hmrPath: '/hmr', listen: { host: '[::1]', port: 5173 } }))
  expect(text).toContain(
    "[hmr-doctor] HAProxy carries the page but holds its HMR socket: its route for /hmr doesn't reach Vite.",
  )
  expect(text).toContain('use_backend vite_hmr if { path /hmr } { hdr(upgrade) -i websocket }')
  expect(text).toContain('backend vite_hmr\n        server vite [::1]:5173')
  expect(text).toContain('Then reload HAProxy')
})
