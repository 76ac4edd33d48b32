import { describe, expect, test } from 'vitest'
import { diagnose } from '../../../src/diagnose/diagnose.js'
import type { Finding } from '../../../src/diagnose/finding-types.js'
import type { RequestSnapshot, ServerEvent } from '../../../src/evidence/evidence-types.js'
import type { ViteFacts } from '../../../src/vite/vite-facts.js'
import { causes, context, evidence, handshake, handshakeRequest, page, pageRequest, viteFacts } from '../../fixtures.js'

describe('host-rejected', () => {
  test.each<{ name: string; events: ServerEvent[]; facts?: ViteFacts; expected: Finding }>([
    {
      name: 'a page request Vite refused (403): the hostname without its port',
      events: [page('host-blocked', 1000, { host: 'app.test:8080' })],
      expected: {
        cause: 'host-rejected',
        via: 'page',
        request: pageRequest(1000, { host: 'app.test:8080' }),
        hostname: 'app.test',
        verified: false,
      },
    },
    {
      name: 'the latest refused page is the one named',
      events: [page('host-blocked', 1000, { host: 'old.test' }), page('host-blocked', 2000, { host: 'new.test' })],
      expected: {
        cause: 'host-rejected',
        via: 'page',
        request: pageRequest(2000, { host: 'new.test' }),
        hostname: 'new.test',
        verified: false,
      },
    },
    {
      // One name asked for again and again (a user reloading) outweighs one-off made-up names.
      name: 'the refused name asked for most is the one named',
      events: [
        page('host-blocked', 1000, { host: 'app.test' }),
        page('host-blocked', 1100, { host: 'app.test' }),
        page('host-blocked', 1200, { host: 'junk1.test' }),
        page('host-blocked', 1300, { host: 'junk2.test' }),
      ],
      expected: {
        cause: 'host-rejected',
        via: 'page',
        request: pageRequest(1100, { host: 'app.test' }),
        hostname: 'app.test',
        verified: false,
      },
    },
    {
      // A handshake with this server's token proves its page; a refused page request proves nothing.
      name: 'a refused handshake with the token outranks refused pages',
      events: [handshake(900, { host: 'ws.test' }), page('host-blocked', 1000, { host: 'app.test' })],
      expected: {
        cause: 'host-rejected',
        via: 'handshake',
        request: handshakeRequest(900, { host: 'ws.test' }),
        hostname: 'ws.test',
        verified: true,
      },
    },
    {
      name: 'an HMR handshake on the HMR path whose Host Vite refuses (a silent 400)',
      events: [handshake(1000, { host: 'app.test' })],
      expected: {
        cause: 'host-rejected',
        via: 'handshake',
        request: handshakeRequest(1000, { host: 'app.test' }),
        hostname: 'app.test',
        verified: true,
      },
    },
    {
      name: 'under base /app/, the handshake on /app/ with a port in its Host',
      events: [handshake(1000, { path: '/app/', host: 'app.test:8443' })],
      facts: viteFacts({ base: '/app/', hmrPath: '/app/', clientPath: '/app/@vite/client' }),
      expected: {
        cause: 'host-rejected',
        via: 'handshake',
        request: handshakeRequest(1000, { path: '/app/', host: 'app.test:8443' }),
        hostname: 'app.test',
        verified: true,
      },
    },
    {
      // nginx's default Host is `$proxy_host`: the compose layout's `proxy_pass http://vite:5173`.
      name: 'refused pages from nginx whose Host carries the port they arrived on: the name nginx dialled',
      events: [page('host-blocked', 1000, { host: 'vite:5173', proxy: 'nginx', localPort: 5173 })],
      expected: {
        cause: 'host-rejected',
        via: 'upstream',
        request: pageRequest(1000, { host: 'vite:5173', proxy: 'nginx', localPort: 5173 }),
        hostname: 'vite',
        verified: false,
      },
    },
    ...[
      { why: 'no proxy recognised', host: 'vite:5173', proxy: 'unknown', localPort: 5173 },
      { why: 'another port than the one it arrived on', host: 'vite:8080', proxy: 'nginx', localPort: 5173 },
      { why: 'no port', host: 'vite', proxy: 'nginx', localPort: 5173 },
      { why: 'an unknown arrival port', host: 'vite:5173', proxy: 'nginx', localPort: null },
    ].map(({ why, ...request }) => ({
      name: `a refused page with ${why} is a name as seen, not the proxy's upstream`,
      events: [page('host-blocked', 1000, request as Partial<RequestSnapshot>)],
      expected: {
        cause: 'host-rejected' as const,
        via: 'page' as const,
        request: pageRequest(1000, request as Partial<RequestSnapshot>),
        hostname: 'vite',
        verified: false,
      },
    })),
    {
      name: 'a public name outside the allowedHosts list: the token is in every page, so it is only described',
      events: [handshake(1000, { host: 'badexample.com' })],
      facts: viteFacts({ allowedHosts: ['.example.com'] }),
      expected: {
        cause: 'host-rejected',
        via: 'handshake',
        request: handshakeRequest(1000, { host: 'badexample.com' }),
        hostname: 'badexample.com',
        verified: false,
      },
    },
    ...[
      ...['rebind.attacker.example', 'evil.dev'].map((hostname) => ({ hostname, verified: false })),
      ...['web_app', 'app.test', 'dev-box.internal', 'printer.local', 'nas.home.arpa'].map((hostname) => ({
        hostname,
        verified: true,
      })),
    ].map(({ hostname, verified }) => ({
      name: `${hostname}, sent with the token: ${verified ? 'no public DNS answers for it, printed' : 'a rebinding door, only described'}`,
      events: [handshake(1000, { host: `${hostname}:5173` })],
      expected: {
        cause: 'host-rejected' as const,
        via: 'handshake' as const,
        request: handshakeRequest(1000, { host: `${hostname}:5173` }),
        hostname,
        verified,
      },
    })),
    {
      name: 'a public name the developer typed (the CLI): printed',
      events: [handshake(1000, { host: 'badexample.com', hostSource: 'developer' })],
      facts: viteFacts({ allowedHosts: ['.example.com'] }),
      expected: {
        cause: 'host-rejected',
        via: 'handshake',
        request: handshakeRequest(1000, { host: 'badexample.com', hostSource: 'developer' }),
        hostname: 'badexample.com',
        verified: true,
      },
    },
  ])('$name', ({ events, facts = viteFacts(), expected }) => {
    expect(diagnose(evidence(5000, events), { ...context, facts })).toEqual([expected])
  })

  test.each<{ name: string; events: ServerEvent[]; facts?: ViteFacts }>([
    { name: 'a handshake with Host localhost', events: [handshake(1000, { host: 'localhost:5173' })] },
    { name: 'a handshake with an IP address', events: [handshake(1000, { host: '192.168.1.20:5173' })] },
    { name: 'a handshake with an IPv6 address', events: [handshake(1000, { host: '[::1]:5173' })] },
    {
      name: 'a handshake whose host is listed in allowedHosts',
      events: [handshake(1000, { host: 'app.test:8080' })],
      facts: viteFacts({ allowedHosts: ['app.test'] }),
    },
    {
      name: 'a handshake whose host a suffix entry covers',
      events: [handshake(1000, { host: 'a.example.com' })],
      facts: viteFacts({ allowedHosts: ['.example.com'] }),
    },
    {
      name: 'allowedHosts: true lets any handshake through',
      events: [handshake(1000, { host: 'app.test' })],
      facts: viteFacts({ allowedHosts: true }),
    },
    { name: 'a handshake without Host', events: [handshake(1000, { host: null })] },
    {
      name: "a handshake without this server's token (anyone can send one)",
      events: [handshake(1000, { host: 'app.test', vouched: false })],
    },
  ])('nothing for $name', ({ events, facts = viteFacts() }) => {
    expect(diagnose(evidence(5000, events), { ...context, facts })).toEqual([])
  })

  test('a refused Host off the HMR path is not this cause: Vite never got to check it there', () => {
    const facts = viteFacts({ base: '/app/', hmrPath: '/app/' })
    const findings = diagnose(evidence(5000, [handshake(1000, { path: '/', host: 'app.test' })]), { ...context, facts })
    expect(causes(findings)).toEqual(['uri-rewritten'])
  })
})

describe('made-up input stays unprinted', () => {
  // Anyone who reaches the dev server can send any Host: only a name that could be allowed as written counts.
  test.each(["evil'.test", 'a b', 'x"y', '-lead.test', '999.1.1.1', '[zz::1]'])(
    'a Host of %j is no host-rejected finding',
    (host) => {
      expect(diagnose(evidence(5000, [page('host-blocked', 1000, { host })]), context)).toEqual([])
      expect(diagnose(evidence(5000, [handshake(1000, { host })]), context)).toEqual([])
    },
  )
})

// Vite's own check compares names as listed, `_` included: Docker Compose's service names hold it.
test('a Docker-style name with `_` that Vite refuses is a host-rejected finding', () => {
  const [finding] = diagnose(evidence(5000, [page('host-blocked', 1000, { host: 'web_app:5173' })]), context)
  expect(finding).toMatchObject({ cause: 'host-rejected', via: 'page', hostname: 'web_app' })
})
