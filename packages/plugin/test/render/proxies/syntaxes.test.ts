import { describe, expect, test } from 'vitest'
import type { Finding } from '../../../src/diagnose/finding-types.js'
import type { ProxyKind } from '../../../src/evidence/evidence-types.js'
import { renderFinding } from '../../../src/render/finding.js'
import type { ViteFacts } from '../../../src/vite/vite-facts.js'
import { request, terminal, viteFacts } from '../../fixtures.js'

const KINDS: ProxyKind[] = [
  'nginx',
  'apache',
  'caddy',
  'haproxy',
  'traefik',
  'cloudflare',
  'aws-alb',
  'google-lb',
  'azure-front-door',
  'unknown',
]

/** Words only one proxy's config or commands use: another proxy's message must hold none of them. */
const SYNTAX: Record<'nginx' | 'apache' | 'caddy' | 'haproxy', RegExp> = {
  nginx: /proxy_pass|proxy_set_header|proxy_read_timeout|location [=/]|nginx -s|\$http_upgrade/,
  apache: /ProxyPass|RewriteRule|RewriteCond|<VirtualHost|<Location|apachectl|upgrade=websocket/,
  caddy: /header_up|handle_path|handle \/|reverse_proxy|stream_close_delay|caddy reload/,
  haproxy: /timeout tunnel|http-request|option http-server-close|reload haproxy/,
}

const NAMES = { nginx: 'nginx', apache: 'Apache', caddy: 'Caddy', haproxy: 'HAProxy' }

/** One finding of every cause that can carry a proxy's lines, as `kind` would have sent it. */
function findings(kind: ProxyKind): Finding[] {
  const handshake = request({ proxy: kind, httpVersion: '1.1', connection: 'Upgrade', host: '127.0.0.1:5173' })
  return [
    {
      cause: 'upgrade-stripped',
      proxy: kind,
      handshake,
      lost: ['Upgrade'],
      hmrServer: false,
      pageOrigin: 'http://app.test',
      fallback: 'fails',
      upstream: '127.0.0.1:5173',
      pageHostname: 'app.test',
    },
    {
      cause: 'idle-timeout',
      proxy: kind,
      pageOrigin: 'http://app.test',
      timeoutMs: 30_000,
      idleRangeMs: [29_950, 30_020],
      closes: 3,
      spanMs: 95_000,
      code: 1006,
      seenByVite: 3,
      upstream: '127.0.0.1:5173',
    },
    { cause: 'uri-rewritten', what: 'query', request: handshake, redirects: 0, upstream: null },
    { cause: 'uri-rewritten', what: 'prefix', request: { ...handshake, path: '/' }, redirects: 0, upstream: null },
    {
      cause: 'uri-rewritten',
      what: 'prefix',
      request: { ...handshake, path: '//127.0.0.1:5173/app/' },
      redirects: 0,
      upstream: '127.0.0.1:5173',
    },
    {
      cause: 'client-unreached',
      pageUrl: 'http://app.test/app/about',
      clientSrc: 'http://app.test/@vite/client',
      arrivedPath: '/about',
      strippedPrefix: '/app/',
      upstream: '127.0.0.1:5173',
      proxy: kind,
      confirmed: true,
    },
    ...[404, 502, 504].map(
      (status): Finding => ({
        cause: 'proxy-error',
        proxy: kind,
        status,
        server: null,
        socketUrl: 'ws://app.test/app/',
        path: '/app/',
        pageOrigin: 'http://app.test',
        fallback: 'fails',
      }),
    ),
    { cause: 'host-rejected', via: 'handshake', request: handshake, hostname: 'app.test', verified: true },
    {
      cause: 'socket-never-arrived',
      pageOrigin: 'http://app.test',
      socketUrl: 'ws://app.test/app/',
      fallback: 'fails',
      proxy: kind,
    },
    {
      cause: 'socket-misdirected',
      clientOrigin: 'http://app.test',
      socketUrl: 'ws://app.test:5173/app/',
      opened: false,
      error: null,
      settings: { clientPort: 80 },
      fallback: 'fails',
    },
  ]
}

const FACTS = viteFacts({ base: '/app/', hmrPath: '/app/' })

describe.each(KINDS)('every cause behind %s', (kind) => {
  const foreign = Object.entries(SYNTAX).filter(([name]) => name !== kind)

  test.each(
    findings(kind).map((finding) => ({ finding, label: `${finding.cause} ${JSON.stringify(finding).length}` })),
  )('no other proxy’s syntax: $label', ({ finding }) => {
    const text = terminal(finding, FACTS)
    for (const [name, pattern] of foreign)
      expect({ name, match: pattern.exec(text)?.[0] }).toEqual({ name, match: undefined })
  })

  test('each block goes to this proxy, and the then line reloads it only when a block was printed', () => {
    const name = NAMES[kind as keyof typeof NAMES]
    for (const finding of findings(kind)) {
      const rendered = renderFinding(finding, FACTS)
      for (const block of rendered.proxy) expect(block.where.startsWith(`${name},`)).toBe(true)
      if (name === undefined) expect(rendered.proxy).toEqual([])
      expect(rendered.afterwards?.includes('Then reload') ?? false).toBe(rendered.proxy.length > 0)
      if (rendered.vite) expect(rendered.afterwards).toMatch(/vite\.config/)
    }
  })
})

/** The causes every recognised proxy prints lines for, here. */
const PRINTED_BY_ALL = [
  'upgrade-stripped',
  'idle-timeout',
  'uri-rewritten',
  'uri-rewritten',
  'uri-rewritten',
  'client-unreached',
]

test.each<{ kind: ProxyKind; printed: string[] }>([
  ...(['nginx', 'caddy', 'haproxy'] as const).map((kind) => ({
    kind,
    printed: [...PRINTED_BY_ALL, 'proxy-error', 'proxy-error', 'socket-never-arrived'],
  })),
  // Apache's route is a <Location> of the socket's path, never one for base (it would route the whole site).
  { kind: 'apache', printed: PRINTED_BY_ALL },
])('$kind prints its own lines for: $printed', ({ kind, printed }) => {
  const withLines = findings(kind).filter((finding) => renderFinding(finding, FACTS).proxy.length > 0)
  expect(withLines.map((finding) => finding.cause)).toEqual(printed)
})

describe('quoting holds whatever the base', () => {
  test.each([
    { base: '/a b/', bare: false },
    { base: '/a;b/', bare: false },
    { base: "/it's/", bare: false },
    { base: '/a$b/', bare: false },
    { base: '/app/', bare: true },
  ])('$base', ({ base, bare }) => {
    const facts = viteFacts({ base, hmrPath: base })
    for (const kind of KINDS) {
      for (const finding of findings(kind)) {
        const rendered = renderFinding(finding, facts)
        for (const block of rendered.proxy) {
          // A path that needs quoting is quoted (nginx) or left out (Apache, Caddy): never bare.
          for (const line of block.text.split('\n')) {
            if (!line.includes(base)) continue
            expect(bare || line.includes(`"${base}`)).toBe(true)
          }
        }
      }
    }
  })
})

test('the catalogue’s Apache layout is named and its RewriteRule replaced by one that works in any context', () => {
  const [, , , , catalogue] = findings('apache')
  const text = terminal(catalogue as Finding, viteFacts())
  expect(text).toContain(
    "[hmr-doctor] Apache's RewriteRule … [P] for the socket sits inside a <Location> with a ProxyPass: the two send the HMR handshake to //127.0.0.1:5173/app/, which Vite never answers",
  )
  expect(text).toContain(
    'Apache, replacing the RewriteRule … ws://… [P,L] that proxies the socket (keep its RewriteCond):',
  )
  expect(text).toContain('    RewriteRule ^ ws://127.0.0.1:5173%{REQUEST_URI} [P,L]')
  expect(text).toContain('Before Apache 2.4.47, a ws:// RewriteRule also needs mod_proxy_wstunnel')
  expect(text).toContain('Then reload Apache: apachectl graceful')
})

test('a hosted hop is named mid-sentence in lower case, and gets only words', () => {
  const [stripped] = findings('aws-alb')
  const text = terminal(stripped as Finding, FACTS)
  expect(text).toContain('[hmr-doctor] The AWS load balancer drops the WebSocket upgrade')
  expect(text).toContain('Make the AWS load balancer pass the Upgrade and Connection headers on to Vite')
  expect(text).toContain('No AWS load balancer settings are printed')
})

test("Apache's idle lines only where the socket shares Vite's server: a separate one has a route of its own", () => {
  const [, idle] = findings('apache')
  const separate = viteFacts({ hmr: { port: 24678 }, hmrServerPort: 24678 })
  expect(renderFinding(idle as Finding, FACTS).proxy).not.toEqual([])
  expect(renderFinding(idle as Finding, separate).proxy).toEqual([])
})

test('a vite.config change in middleware mode asks for a restart of the user’s server', () => {
  const [, idle] = findings('unknown')
  const text = terminal(idle as Finding, viteFacts({ listen: null, middlewareMode: true }))
  expect(text).toContain(
    'Then restart your server after the vite.config change (in middleware mode nothing restarts Vite by itself).',
  )
  // The CLI knows no listen address, yet nothing says the server runs in middleware mode.
  expect(terminal(idle as Finding, viteFacts({ listen: null }))).toContain('the vite command restarts Vite by itself')
})

describe("a route for the socket's own path, where the proxy answered 404 or 502 for it", () => {
  const routed = (kind: ProxyKind, facts: ViteFacts) =>
    findings(kind)
      .filter((finding) => finding.cause === 'proxy-error' && finding.status !== 504)
      .map((finding) =>
        renderFinding(finding, facts)
          .proxy.map((block) => block.text)
          .join('\n'),
      )
  const hmr = viteFacts({ base: '/app/', hmrPath: '/app/hmr' })

  test("Apache: a <Location> of the socket's path alone, never one for base (that would route the whole site)", () => {
    expect(routed('apache', hmr)).toEqual(
      Array(2).fill('<Location /app/hmr>\n    ProxyPass http://127.0.0.1:5173/app/hmr upgrade=websocket\n</Location>'),
    )
    expect(routed('apache', FACTS)).toEqual(['', ''])
  })

  test("HAProxy: a use_backend for the socket's handshake alone, and the backend it names", () => {
    expect(routed('haproxy', hmr)).toEqual(
      Array(2).fill(
        'use_backend vite_hmr if { path /app/hmr } { hdr(upgrade) -i websocket }\nbackend vite_hmr\n    server vite 127.0.0.1:5173',
      ),
    )
  })

  test('Apache: the same <Location> carries the socket to a separate socket server, upgraded', () => {
    const [stripped] = findings('apache')
    const separate = viteFacts({ base: '/', hmrPath: '/hmr', hmr: { port: 24678, path: 'hmr' }, hmrServerPort: 24678 })
    const rendered = renderFinding(
      {
        ...(stripped as Extract<Finding, { cause: 'upgrade-stripped' }>),
        hmrServer: true,
        upstream: '127.0.0.1:24678',
      },
      separate,
    )
    expect(rendered.proxy.map((block) => block.text)).toEqual([
      '<Location /hmr>\n    ProxyPass http://127.0.0.1:24678/hmr upgrade=websocket\n</Location>',
    ])
  })

  test('HAProxy\'s 503 is its own "No server is available": the path has no server, whichever way', () => {
    const [, unavailable] = findings('haproxy').filter((finding) => finding.cause === 'proxy-error')
    expect(terminal({ ...(unavailable as Finding), status: 503 } as Finding, hmr)).toContain(
      "[hmr-doctor] HAProxy answered 503 for /app/: no server of its takes that path (no use_backend routes it there, or that backend's servers are down).",
    )
  })

  test("Caddy: a handle matching the socket's handshake only, so the page's routes stay as they are", () => {
    const [route] = routed('caddy', hmr)
    expect(route).toContain('    path /app/hmr\n    header Connection *Upgrade*\n    header Upgrade websocket')
    expect(route).toContain('handle @vite_hmr {\n    reverse_proxy 127.0.0.1:5173\n}')
    expect(routed('caddy', viteFacts({ base: '/a b/', hmrPath: '/a b/' }))).toEqual(['', ''])
  })
})

test("HAProxy's prefix rule to remove is the manual's replace-path, only for a prefix with no regex metacharacter", () => {
  const prefixed = (base: string) =>
    findings('haproxy')
      .filter((finding) => finding.cause === 'client-unreached')
      .map(
        (finding) =>
          renderFinding({ ...finding, strippedPrefix: base } as Finding, viteFacts({ base, hmrPath: base })).proxy,
      )
  expect(prefixed('/app/')[0]?.map((block) => block.text)).toEqual(['http-request replace-path /app/(.*) /\\1'])
  expect(prefixed('/a.b/')).toEqual([[]])
})

describe("a rewrite of the query or the socket's path: the condition that keeps Vite's socket out of it", () => {
  // The handshake at Vite's own path without its token, or at a path that isn't a prefix strip.
  const rewritten = (kind: ProxyKind, what: 'query' | 'path') =>
    renderFinding(
      {
        cause: 'uri-rewritten',
        what: what === 'query' ? 'query' : 'prefix',
        request: request({ proxy: kind, path: what === 'query' ? '/app/' : '/index.html' }),
        redirects: 0,
        upstream: null,
      },
      FACTS,
    )

  test.each(['query', 'path'] as const)('HAProxy, the %s: the condition in each form a rule can end in', (what) => {
    const rendered = rewritten('haproxy', what)
    const socket = '{ req.hdr(sec-websocket-protocol) -m str vite-hmr vite-ping }'
    expect(rendered.proxy.map((block) => block.text)).toEqual([`unless ${socket}`, `!${socket}`])
    expect(rendered.proxy[0]?.where).toContain(`rewrites the socket's ${what}`)
    expect(rendered.notes.join('\n')).toContain(`append || ${socket} to it instead`)
  })

  test.each(['query', 'path'] as const)("Apache, the %s: a rule of the socket's own, above the user's", (what) => {
    const rendered = rewritten('apache', what)
    expect(rendered.proxy.map((block) => block.text)).toEqual([
      'RewriteCond %{HTTP:Sec-WebSocket-Protocol} ^(vite-hmr|vite-ping)$\nRewriteRule ^ ws://127.0.0.1:5173%{REQUEST_URI} [P,L]',
    ])
    expect(rendered.proxy[0]?.where).toContain('above its RewriteCond lines, in the same <VirtualHost> or <Location>')
    expect(rendered.notes).toContain(
      'Before Apache 2.4.47, a ws:// RewriteRule also needs mod_proxy_wstunnel (a2enmod proxy_wstunnel).',
    )
  })

  test.each(['query', 'path'] as const)("Caddy, the %s: a matcher for all but Vite's socket and ping", (what) => {
    const rendered = rewritten('caddy', what)
    expect(rendered.proxy.map((block) => block.text)).toEqual([
      '@not_vite_hmr {\n    not header Sec-WebSocket-Protocol vite-hmr\n    not header Sec-WebSocket-Protocol vite-ping\n}',
    ])
    expect(rendered.proxy[0]?.where).toContain(`changes the socket's ${what}`)
    expect(rendered.notes.join('\n')).toContain('rewrite @not_vite_hmr')
  })
})
