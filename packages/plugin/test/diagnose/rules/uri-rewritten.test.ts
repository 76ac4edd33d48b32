import { describe, expect, test } from 'vitest'
import { diagnose } from '../../../src/diagnose/diagnose.js'
import type { Finding } from '../../../src/diagnose/finding-types.js'
import type { ServerEvent } from '../../../src/evidence/evidence-types.js'
import {
  clientServed,
  context,
  evidence,
  handshake,
  handshakeRequest,
  hmrSocket,
  page,
  pageRequest,
  viteFacts,
} from '../../fixtures.js'

describe('uri-rewritten', () => {
  const facts = viteFacts({ base: '/app/', hmrPath: '/app/', clientPath: '/app/@vite/client' })
  const NOW = 20_000

  test("a handshake at base while hmr.path is set is Vite's own direct fallback (it ignores the path), not the proxy", () => {
    const withPath = viteFacts({ base: '/', hmrPath: '/hmr' })
    expect(diagnose(evidence(5000, [handshake(1000, { path: '/' })]), { ...context, facts: withPath })).toEqual([])
  })

  test.each<{ name: string; events: ServerEvent[]; expected: Finding }>([
    {
      name: 'a handshake off the HMR path: the prefix was stripped',
      events: [handshake(1000, { path: '/' })],
      expected: {
        cause: 'uri-rewritten',
        what: 'prefix',
        request: handshakeRequest(1000, { path: '/' }),
        redirects: 0,
        upstream: null,
      },
    },
    {
      name: "an off-path handshake still counts after Vite's direct fallback arrived on the right path",
      events: [handshake(1000, { path: '/' }), handshake(1100, { path: '/app/', host: '127.0.0.1:5173' })],
      expected: {
        cause: 'uri-rewritten',
        what: 'prefix',
        request: handshakeRequest(1000, { path: '/' }),
        redirects: 0,
        upstream: null,
      },
    },
    {
      name: 'a bare proxy_pass with a path sends its upstream as Host: that is the upstream to keep',
      events: [handshake(1000, { path: '/', host: 'vite:5173', hostSource: 'local' })],
      expected: {
        cause: 'uri-rewritten',
        what: 'prefix',
        request: handshakeRequest(1000, { path: '/', host: 'vite:5173', hostSource: 'local' }),
        redirects: 0,
        upstream: 'vite:5173',
      },
    },
    {
      name: "a handshake with an Origin and no token, whose page's direct fallback came with the token: the query was dropped",
      events: [
        handshake(1000, { path: '/app/', hasToken: false, vouched: false }),
        handshake(1050, { path: '/app/', host: '127.0.0.1:5173' }),
      ],
      expected: {
        cause: 'uri-rewritten',
        what: 'query',
        request: handshakeRequest(1000, { path: '/app/', hasToken: false, vouched: false }),
        redirects: 0,
        upstream: null,
      },
    },
    {
      name: 'three pages outside base within 10 s (the oldest exactly 10 s ago): a redirect loop',
      events: [
        page('outside-base', NOW - 10_000, { path: '/' }),
        page('outside-base', NOW - 5000, { path: '/' }),
        page('outside-base', NOW - 1000, { path: '/' }),
      ],
      expected: {
        cause: 'uri-rewritten',
        what: 'prefix',
        request: pageRequest(NOW - 1000, { path: '/' }),
        redirects: 3,
        upstream: null,
      },
    },
    {
      name: 'the redirects counted are only those within the window',
      events: [
        page('outside-base', NOW - 30_000, { path: '/' }),
        page('outside-base', NOW - 9000, { path: '/' }),
        page('outside-base', NOW - 6000, { path: '/' }),
        page('outside-base', NOW - 3000, { path: '/' }),
        page('outside-base', NOW - 100, { path: '/index.html' }),
      ],
      expected: {
        cause: 'uri-rewritten',
        what: 'prefix',
        request: pageRequest(NOW - 100, { path: '/index.html' }),
        redirects: 4,
        upstream: null,
      },
    },
  ])('$name', ({ events, expected }) => {
    expect(diagnose(evidence(NOW, events), { ...context, facts })).toEqual([expected])
  })

  test.each<{ name: string; events: ServerEvent[] }>([
    {
      // Vite requires the token only from pages that send an Origin; without one the handshake is fine.
      name: 'a handshake with neither Origin nor token',
      events: [handshake(1000, { path: '/app/', hasToken: false, origin: null })],
    },
    { name: 'a handshake on the path with its token', events: [handshake(1000, { path: '/app/' })] },
    {
      // Any web page can dial Vite with the subprotocol and no token; nothing legitimate vouches for it.
      name: 'a token-less handshake from an origin nothing vouches for',
      events: [handshake(1000, { path: '/app/', hasToken: false, vouched: false, origin: 'http://evil.test' })],
    },
    {
      name: 'an off-path handshake without the token (a made-up path from anyone)',
      events: [handshake(1000, { path: '/x', hasToken: false, vouched: false })],
    },
    {
      name: 'two pages outside base: a typo, not a loop',
      events: [page('outside-base', NOW - 2000), page('outside-base', NOW - 1000)],
    },
    {
      // Three loads of `/` outside base, each redirected and followed: the pages loaded Vite's client under base.
      name: 'three redirects into base, a page loading the client after them: page loads, no loop',
      events: [
        page('outside-base', NOW - 3000),
        clientServed(NOW - 2900),
        hmrSocket(NOW - 2800),
        page('outside-base', NOW - 2000),
        page('outside-base', NOW - 1000),
      ],
    },
    {
      name: 'three pages outside base, one of them 10.001 s ago',
      events: [page('outside-base', NOW - 10_001), page('outside-base', NOW - 2000), page('outside-base', NOW - 1000)],
    },
    {
      name: 'three pages outside base, all long ago',
      events: [page('outside-base', 1000), page('outside-base', 1100), page('outside-base', 1200)],
    },
  ])('nothing for $name', ({ events }) => {
    expect(diagnose(evidence(NOW, events), { ...context, facts })).toEqual([])
  })
})

test('with legacy.skipWebSocketTokenCheck Vite takes token-less handshakes, so a dropped query is no finding', () => {
  const lenient = viteFacts({ tokenCheck: false })
  expect(diagnose(evidence(5000, [handshake(1000, { hasToken: false })]), { ...context, facts: lenient })).toEqual([])
})
