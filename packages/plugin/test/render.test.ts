import { describe, expect, test } from 'vitest'
import type { FallbackState, Finding } from '../src/diagnose/finding-types.js'
import { lostHopHeaders, vouchedUpstream } from '../src/diagnose/queries.js'
import type { ProxyKind, RequestSnapshot, SocketRecord } from '../src/evidence/evidence-types.js'
import { renderBrowser } from '../src/render/browser.js'
import { renderFinding } from '../src/render/finding.js'
import { upstreamFor } from '../src/render/upstream.js'
import { isHostAllowedByVite } from '../src/vite/host-check.js'
import type { ViteFacts } from '../src/vite/vite-facts.js'
import { request, terminal, viteFacts } from './fixtures.js'

function upgradeStripped(
  options: {
    fallback?: FallbackState
    proxy?: ProxyKind
    handshake?: Partial<RequestSnapshot>
    hmrServer?: boolean
  } = {},
): Finding {
  const handshake = request({ proxy: options.proxy ?? 'nginx', ...options.handshake })
  // As the rule makes it from this handshake: it carried the token, so its Host and Origin are vouched for.
  return {
    cause: 'upgrade-stripped',
    proxy: handshake.proxy,
    handshake,
    lost: lostHopHeaders(handshake),
    hmrServer: options.hmrServer ?? false,
    pageOrigin: handshake.origin,
    fallback: options.fallback ?? 'unknown',
    upstream: vouchedUpstream(handshake),
    pageHostname: handshake.origin === null ? null : new URL(handshake.origin).hostname,
  }
}

describe('renderTerminal(renderFinding()) for upgrade-stripped behind nginx', () => {
  test('fallback works', () => {
    expect(terminal(upgradeStripped({ fallback: 'works' }))).toBe(`\
[hmr-doctor] nginx drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.
  seen: GET / HTTP/1.0 with Connection: close and no Upgrade header, from the page at http://localhost:8080
  HMR works only through Vite's direct fallback to port 5173; a browser that can't reach that port (Docker, another machine) gets no updates.

  nginx, inside http {}:

    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }

  nginx, inside the server {} that proxies Vite:

    location = / {
        proxy_pass http://127.0.0.1:5173;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $host;
    }

  vite.config: nothing to change.
  Then reload nginx: nginx -s reload`)
  })

  test('fallback fails', () => {
    expect(terminal(upgradeStripped({ fallback: 'fails' }))).toBe(`\
[hmr-doctor] nginx drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.
  seen: GET / HTTP/1.0 with Connection: close and no Upgrade header, from the page at http://localhost:8080
  Vite's direct fallback to port 5173 failed too: this page gets no updates.

  nginx, inside http {}:

    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }

  nginx, inside the server {} that proxies Vite:

    location = / {
        proxy_pass http://127.0.0.1:5173;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $host;
    }

  vite.config: nothing to change.
  Then reload nginx: nginx -s reload`)
  })

  test('fallback unknown, and an hmr.port names the port', () => {
    expect(terminal(upgradeStripped({ fallback: 'unknown' }), viteFacts({ hmr: { port: 24678 } }))).toBe(`\
[hmr-doctor] nginx drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.
  seen: GET / HTTP/1.0 with Connection: close and no Upgrade header, from the page at http://localhost:8080

  nginx, inside http {}:

    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }

  nginx, inside the server {} that proxies Vite:

    location = / {
        proxy_pass http://127.0.0.1:5173;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $host;
    }

  vite.config: nothing to change.
  Then reload nginx: nginx -s reload`)
  })

  test('a proxy that sets Host $host sends to where Vite listens; base /app/ and hmr.path give the location', () => {
    const finding = upgradeStripped({ handshake: { path: '/app/hmr', host: 'localhost:8080', connection: null } })
    const facts = viteFacts({ base: '/app/', hmrPath: '/app/hmr', listen: { host: '127.0.0.1', port: 5174 } })
    expect(terminal(finding, facts)).toBe(`\
[hmr-doctor] nginx drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.
  seen: GET /app/hmr HTTP/1.0 with no Connection header and no Upgrade header, from the page at http://localhost:8080

  nginx, inside http {}:

    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }

  nginx, inside the server {} that proxies Vite:

    location = /app/hmr {
        proxy_pass http://127.0.0.1:5174;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $host;
    }

  vite.config: nothing to change.
  Then reload nginx: nginx -s reload`)
  })

  test("a page host Vite's host check would reject gets an allowedHosts block with just that host", () => {
    const finding = upgradeStripped({ handshake: { origin: 'https://app.test', host: 'vite:5173' } })
    expect(terminal(finding, viteFacts({ allowedHosts: ['.example.com'] }))).toBe(`\
[hmr-doctor] nginx drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.
  seen: GET / HTTP/1.0 with Connection: close and no Upgrade header, from the page at https://app.test

  nginx, inside http {}:

    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }

  nginx, inside the server {} that proxies Vite:

    location = / {
        proxy_pass http://vite:5173;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $host;
    }

  vite.config, merged into your config (add to any allowedHosts you already have):

    export default defineConfig({
      server: {
        allowedHosts: ['app.test'],
      },
    })

  Allow only a name you recognise (never allowedHosts: true): an allowed name lets sites under it read this dev server.
  Then reload nginx (nginx -s reload) and save vite.config: the vite command restarts Vite by itself (a server you start from code needs a restart).`)
  })
})

test("the seed's 426: the handshake flattened on its way to Vite's socket server; the location goes there", () => {
  const finding = upgradeStripped({ hmrServer: true, handshake: { host: '127.0.0.1:24678', localPort: 24678 } })
  const text = terminal(finding, viteFacts({ hmr: { port: 24678, clientPort: 8080 }, hmrServerPort: 24678 }))
  expect(text).toContain(
    "[hmr-doctor] nginx drops the WebSocket upgrade: the HMR handshake reaches Vite's socket server (port 24678) as a plain request, and it answers 426 Upgrade Required.",
  )
  expect(text).toContain('proxy_pass http://127.0.0.1:24678;')
})

test("the seed's 426 without a vouched Host: the socket server's own address, not the dev server's", () => {
  const finding = upgradeStripped({ hmrServer: true, handshake: { host: null, localPort: 24678 } })
  const facts = viteFacts({ hmr: { port: 24678, host: 'vite.internal' }, hmrServerPort: 24678 })
  expect(terminal(finding, facts)).toContain('proxy_pass http://vite.internal:24678;')
})

test('Caddy: the header_up edit that lost the header, to remove, and what its reload does to open sockets', () => {
  const finding = upgradeStripped({
    proxy: 'caddy',
    handshake: { httpVersion: '1.1', connection: 'Upgrade', upgrade: null },
  })
  expect(terminal(finding)).toBe(`\
[hmr-doctor] Caddy drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.
  seen: GET / HTTP/1.1 with Connection: Upgrade and no Upgrade header, from the page at http://localhost:8080
  Caddy passes Connection: upgrade on but not the Upgrade header, so Vite sees no upgrade at all.
  Caddy carries WebSockets as they are; a header_up that deletes or sets Upgrade flattens the handshake. Remove it however it is written.
  A caddy reload closes every open HMR socket, so each open page reloads once; from Caddy 2.7, stream_close_delay in the reverse_proxy keeps them open across reloads.

  Caddy, removing these lines from the reverse_proxy that proxies Vite:

    header_up -Upgrade

  vite.config: nothing to change.
  Then reload Caddy: caddy reload`)
})

test('Apache gets its ProxyPass with upgrade=websocket, under base', () => {
  const finding = upgradeStripped({
    proxy: 'apache',
    handshake: { httpVersion: '1.1', connection: 'Keep-Alive', host: '127.0.0.1:5173', path: '/app/' },
  })
  expect(terminal(finding, viteFacts({ base: '/app/', hmrPath: '/app/' }))).toBe(`\
[hmr-doctor] Apache drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.
  seen: GET /app/ HTTP/1.1 with Connection: Keep-Alive and no Upgrade header, from the page at http://localhost:8080
  upgrade=websocket needs Apache 2.4.47 or later (Debian 12's is newer); older ones carry sockets only through mod_proxy_wstunnel and a ws:// ProxyPass or RewriteRule.

  Apache, in the <VirtualHost> that proxies Vite, replacing its ProxyPass for /app/:

    ProxyPass /app/ http://127.0.0.1:5173/app/ upgrade=websocket

  Apache, or where that ProxyPass is inside <Location /app/>, replacing it there (no path inside <Location>):

    ProxyPass http://127.0.0.1:5173/app/ upgrade=websocket

  Apache, or where it is inside a regex <Location ~ …> or <LocationMatch>, replacing it there (no path, no trailing slash):

    ProxyPass http://127.0.0.1:5173 upgrade=websocket

  vite.config: nothing to change.
  Then reload Apache: apachectl graceful`)
})

test("Apache on its way to Vite's separate socket server: words, never a ProxyPass that sends the site there", () => {
  const finding = upgradeStripped({
    proxy: 'apache',
    hmrServer: true,
    handshake: { httpVersion: '1.1', connection: 'Keep-Alive', host: '127.0.0.1:24678', localPort: 24678 },
  })
  const text = terminal(finding, viteFacts({ hmr: { port: 24678, clientPort: 8080 }, hmrServerPort: 24678 }))
  expect(text).not.toContain('ProxyPass')
  expect(text).toContain('Make Apache pass the Upgrade and Connection headers on to Vite for / (HTTP/1.1 to Vite)')
})

const NEVER_ARRIVED: Finding = {
  cause: 'socket-never-arrived',
  pageOrigin: 'https://app.test',
  socketUrl: 'wss://app.test/?token=…',
  fallback: 'fails',
}

test('socket-never-arrived, which no rule explains: what was seen and no fix', () => {
  expect(terminal(NEVER_ARRIVED, viteFacts({ hmrConfigKey: 'hmr' }))).toBe(`\
[hmr-doctor] The browser's HMR socket never reached Vite.
  seen: The page at https://app.test dialled wss://app.test/?token=…; no handshake of any kind for / arrived at Vite.
  Vite's direct fallback to port 5173 failed too: this page gets no updates.
  No rule of the doctor explains this failure, so it prints what it saw and no fix.`)
})

/** Every value a sentence of the generic finding prints: URLs, and numbers (ports, codes, statuses, times). */
function printedValues(text: string): string[] {
  return text.match(/[a-z]+:\/\/[^\s;,)]+|\b\d+(?:\.\d+)?\b/g) ?? []
}

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

test.each<{ name: string; handshake: Partial<RequestSnapshot>; upstream: string | null }>([
  {
    name: "Host differs from the Origin's host: it is nginx's $proxy_host",
    handshake: { host: 'vite:5173', origin: 'http://localhost:8080' },
    upstream: 'vite:5173',
  },
  {
    name: "an nginx upstream block's name has no port",
    handshake: { host: 'vite_upstream', origin: 'http://localhost:8080' },
    upstream: 'vite_upstream',
  },
  {
    name: "Host equals the Origin's host: the browser's, passed on",
    handshake: { host: 'localhost:8080', origin: 'http://localhost:8080' },
    upstream: null,
  },
  {
    name: 'default port dropped from the Origin still compares equal',
    handshake: { host: 'app.test', origin: 'https://app.test' },
    upstream: null,
  },
  { name: 'no Host', handshake: { host: null }, upstream: null },
  { name: 'no Origin: nothing to tell it from', handshake: { host: 'vite:5173', origin: null }, upstream: 'vite:5173' },
  {
    name: "a handshake without this server's token vouches for no Host",
    handshake: { host: 'attacker-upstream.evil.test:6666', vouched: false },
    upstream: null,
  },
  ...["evil'; x", 'a b:80', 'x{y}:1', 'vite:99999', 'vite:0', '[zz]:80', 'a..b:80', '-a:80', '1.2.3:80'].map(
    (host) => ({ name: `a Host no config can hold: ${host}`, handshake: { host }, upstream: null }),
  ),
  { name: 'an IPv6 upstream', handshake: { host: '[::1]:5173' }, upstream: '[::1]:5173' },
])('vouchedUpstream: $name', ({ handshake, upstream }) => {
  expect(vouchedUpstream(request(handshake))).toBe(upstream)
})

test.each<{
  name: string
  vouched: string | null
  facts?: ViteFacts
  localPort?: number | null
  upstream: string | null
}>([
  { name: 'a vouched-for Host wins', vouched: 'vite:5173', upstream: 'vite:5173' },
  { name: 'otherwise where Vite listens', vouched: null, upstream: '127.0.0.1:5173' },
  {
    name: 'no listen address (middleware mode): the port the request arrived on',
    vouched: null,
    facts: viteFacts({ listen: null }),
    localPort: 3000,
    upstream: '127.0.0.1:3000',
  },
  {
    name: 'nothing known: no upstream, so no proxy block',
    vouched: null,
    facts: viteFacts({ listen: null }),
    localPort: null,
    upstream: null,
  },
])('upstreamFor: $name', ({ vouched, facts = viteFacts(), localPort = null, upstream }) => {
  expect(upstreamFor(vouched, facts, localPort)).toBe(upstream)
})

test.each<[string, true | readonly string[], boolean]>([
  ['127.0.0.1', [], true],
  ['192.168.1.20', [], true],
  ['[::1]', [], true],
  ['[fe80::1]', [], true],
  ['localhost', [], true],
  ['sub.localhost', [], true],
  ['localhost.evil.test', [], false],
  ['app.test', [], false],
  ['app.test', ['app.test'], true],
  ['www.app.test', ['app.test'], false],
  ['example.com', ['.example.com'], true],
  ['a.example.com', ['.example.com'], true],
  ['a.b.example.com', ['.example.com'], true],
  ['badexample.com', ['.example.com'], false],
  ['example.com.evil', ['.example.com'], false],
  ['anything.test', true, true],
])('isHostAllowedByVite(%j, %j) is %s', (hostname, allowedHosts, allowed) => {
  expect(isHostAllowedByVite(hostname, allowedHosts)).toBe(allowed)
})

describe('renderBrowser', () => {
  test('nginx: the evidence, notes, each block under its place, then what to do afterwards', () => {
    const message = renderBrowser(renderFinding(upgradeStripped({ fallback: 'fails' }), viteFacts()))
    expect(message).toEqual({
      title: '[hmr-doctor] nginx drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.',
      lines: [
        'Seen by Vite: GET / HTTP/1.0 with Connection: close and no Upgrade header, from the page at http://localhost:8080',
        "Vite's direct fallback to port 5173 failed too: this page gets no updates.",
        "nginx, inside http {}:\nmap $http_upgrade $connection_upgrade {\n    default upgrade;\n    ''      close;\n}",
        expect.stringMatching(/^nginx, inside the server \{\} that proxies Vite:\nlocation = \/ \{\n/),
        'vite.config: nothing to change.',
        'Then reload nginx: nginx -s reload',
      ],
    })
  })

  test('a rejected page host: the vite.config block replaces "nothing to change"', () => {
    const finding = upgradeStripped({ handshake: { origin: 'http://app.test' } })
    const { lines } = renderBrowser(renderFinding(finding, viteFacts()))
    expect(lines).not.toContain('vite.config: nothing to change.')
    expect(lines.at(-3)).toBe(
      "vite.config, merged into your config (add to any allowedHosts you already have):\nexport default defineConfig({\n  server: {\n    allowedHosts: ['app.test'],\n  },\n})",
    )
    // The warning travels with the block, wherever it is shown.
    expect(lines.at(-2)).toMatch(/^Allow only a name you recognise/)
  })

  test("a proxy that can't be told apart: no block and no vite.config line, since no fix was printed", () => {
    const finding = upgradeStripped({ proxy: 'unknown' })
    expect(renderBrowser(renderFinding(finding, viteFacts())).lines).toEqual([
      'Seen by Vite: GET / HTTP/1.0 with Connection: close and no Upgrade header, from the page at http://localhost:8080',
      'Make the proxy pass the Upgrade and Connection headers on to Vite for / (HTTP/1.1 to Vite), and nothing in vite.config needs to change.',
    ])
  })
})

test('with server.hmr: false every finding says HMR is off on purpose, and why it is diagnosed anyway', () => {
  const text = terminal(NEVER_ARRIVED, viteFacts({ hmrDisabled: true }))
  expect(text).toContain(
    "server.hmr is false in this config: Vite's client still dials this socket (full reloads come over it), so it is diagnosed all the same; with the socket fixed, removing hmr: false brings hot updates back.",
  )
  expect(terminal(NEVER_ARRIVED, viteFacts())).not.toContain('server.hmr is false')
})
