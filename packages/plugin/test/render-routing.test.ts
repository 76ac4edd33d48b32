import { describe, expect, test } from 'vitest'
import type { Finding } from '../src/diagnose/finding-types.js'
import type { ProxyKind, RequestSnapshot } from '../src/evidence/evidence-types.js'
import { pingIntervalBelow } from '../src/shared/timing.js'
import { request, terminal, viteFacts } from './fixtures.js'

describe('host-rejected', () => {
  /** Refused page requests whose Host is the name nginx dialled Vite by: the compose layout's. */
  const upstreamRefused = (overrides: Partial<RequestSnapshot>): Finding => ({
    cause: 'host-rejected',
    via: 'upstream',
    request: request({ host: 'vite:5173', hasToken: false, vouched: false, ...overrides }),
    hostname: 'vite',
    verified: false,
  })

  test('a refused page: 403, the name said as seen, nothing to paste (any client can send any Host)', () => {
    const finding: Finding = {
      cause: 'host-rejected',
      via: 'page',
      request: request({ path: '/about', host: 'app.test:8080', origin: null, wsProtocol: null }),
      hostname: 'app.test',
      verified: false,
    }
    expect(terminal(finding, viteFacts({ allowedHosts: ['other.test'] }))).toBe(`\
[hmr-doctor] Vite's host check refuses "app.test": every page through the proxy gets 403, and Vite logs nothing.
  seen: GET /about with Host: app.test:8080
  If "app.test" is the name your proxy or tunnel serves the app under, add it to server.allowedHosts in vite.config and restart Vite.
  Nothing is printed to paste: any client can send any Host, and this one was not seen from a page of this server. Allow only a name you recognise (never allowedHosts: true): an allowed name lets sites under it read this dev server.`)
  })

  test("the proxy's upstream name refused: nginx gets Host $host in every location, and why not allowedHosts", () => {
    expect(terminal(upstreamRefused({ origin: null, wsProtocol: null }))).toMatchInlineSnapshot(`
      "[hmr-doctor] Vite's host check refuses "vite", the name nginx dials Vite by: every request through it gets 403, and Vite logs nothing.
        seen: GET / with Host: vite:5173
        This Host carries Vite's own port 5173: it is the name nginx dials Vite by, not one a browser asked it for.
        nginx sends its upstream's name as Host unless proxy_set_header Host says otherwise. Every location {} that proxies Vite needs this, not only the one for /: a location without it still sends the upstream's name, and Vite refuses what it serves there (/@vite/client, every module).
        The requests came over HTTP/1.0 with Connection: close, nginx's defaults, which also drop the WebSocket upgrade of Vite's HMR socket: the first three lines carry it.
        This rather than "vite" in server.allowedHosts: Vite's check then judges the name the browser asked for; allowing "vite" would let every request through the proxy past it.
        Vite allows localhost and IP addresses by itself; a browser using another name gets that name refused next, and the doctor names it.

        nginx, inside http {}:

          map $http_upgrade $connection_upgrade {
              default upgrade;
              ''      close;
          }

        nginx, in every location {} that proxies Vite, replacing any line there that sets the same:

          proxy_http_version 1.1;
          proxy_set_header Upgrade $http_upgrade;
          proxy_set_header Connection $connection_upgrade;
          proxy_set_header Host $host;

        vite.config: nothing to change.
        Then reload nginx: nginx -s reload"
    `)
  })

  test('the upstream name refused from an nginx already on HTTP/1.1: only the Host line', () => {
    expect(terminal(upstreamRefused({ origin: null, httpVersion: '1.1' }))).toMatchInlineSnapshot(`
      "[hmr-doctor] Vite's host check refuses "vite", the name nginx dials Vite by: every request through it gets 403, and Vite logs nothing.
        seen: GET / with Host: vite:5173
        This Host carries Vite's own port 5173: it is the name nginx dials Vite by, not one a browser asked it for.
        nginx sends its upstream's name as Host unless proxy_set_header Host says otherwise. Every location {} that proxies Vite needs this, not only the one for /: a location without it still sends the upstream's name, and Vite refuses what it serves there (/@vite/client, every module).
        This rather than "vite" in server.allowedHosts: Vite's check then judges the name the browser asked for; allowing "vite" would let every request through the proxy past it.
        Vite allows localhost and IP addresses by itself; a browser using another name gets that name refused next, and the doctor names it.

        nginx, in every location {} that proxies Vite, replacing any line there that sets the same:

          proxy_set_header Host $host;

        vite.config: nothing to change.
        Then reload nginx: nginx -s reload"
    `)
  })

  test('the upstream name refused behind a proxy with no lines for it: what it must do, in words', () => {
    expect(terminal(upstreamRefused({ origin: null, proxy: 'traefik' }))).toMatchInlineSnapshot(`
      "[hmr-doctor] Vite's host check refuses "vite", the name Traefik dials Vite by: every request through it gets 403, and Vite logs nothing.
        seen: GET / with Host: vite:5173
        This Host carries Vite's own port 5173: it is the name Traefik dials Vite by, not one a browser asked it for.
        Make Traefik send the browser's Host to Vite on every request it proxies there.
        This rather than "vite" in server.allowedHosts: Vite's check then judges the name the browser asked for; allowing "vite" would let every request through the proxy past it.
        Vite allows localhost and IP addresses by itself; a browser using another name gets that name refused next, and the doctor names it."
    `)
  })

  test('a refused handshake: the silent 400, and the page it came from', () => {
    const finding: Finding = {
      cause: 'host-rejected',
      via: 'handshake',
      request: request({ host: 'app.test', origin: 'https://app.test', httpVersion: '1.1', upgrade: 'websocket' }),
      hostname: 'app.test',
      verified: true,
    }
    // The user's existing list must not leak into the block: it says "add to any allowedHosts you already have".
    expect(terminal(finding, viteFacts({ allowedHosts: ['other.test'] }))).toBe(`\
[hmr-doctor] Vite's host check refuses the HMR handshake's Host "app.test" with a silent 400.
  seen: GET / with Host: app.test, from the page at https://app.test
  Nothing to change in the proxy: it forwards the Host the page was asked under, which Vite must allow.

  vite.config, merged into your config (add to any allowedHosts you already have):

    export default defineConfig({
      server: {
        allowedHosts: ['app.test'],
      },
    })

  Allow only a name you recognise (never allowedHosts: true): an allowed name lets sites under it read this dev server.
  Then save vite.config: the vite command restarts Vite by itself (a server you start from code needs a restart).`)
  })
})

describe('uri-rewritten', () => {
  const underApp = viteFacts({ base: '/app/', hmrPath: '/app/', clientPath: '/app/@vite/client' })

  test("the query dropped: the token's 400; a token-less request vouches for no Host, so the upstream is where Vite listens", () => {
    const finding: Finding = {
      cause: 'uri-rewritten',
      what: 'query',
      request: request({ hasToken: false, vouched: false, host: 'vite:5173', origin: 'http://localhost:8080' }),
      redirects: 0,
      upstream: null,
    }
    expect(terminal(finding)).toBe(`\
[hmr-doctor] nginx drops the query string: the HMR handshake reaches Vite without its token, and Vite refuses it (400).
  seen: the HMR handshake arrived at / with Origin http://localhost:8080 and no token in its query
  Module URLs lose their query too (?import, ?raw, ?t=), so some imports get the wrong content. Make nginx forward the query string as the browser sent it.
  A proxy_pass without a path forwards the URI as the browser sent it, prefix and query included.

  nginx, in the location {} that proxies Vite, replacing its proxy_pass:

    proxy_pass http://127.0.0.1:5173;

  vite.config: nothing to change.
  Then reload nginx: nginx -s reload`)
  })

  test('the prefix stripped, seen on a handshake off the HMR path', () => {
    const finding: Finding = {
      cause: 'uri-rewritten',
      what: 'prefix',
      request: request({ path: '/', host: 'vite:5173', origin: 'http://localhost:8080' }),
      redirects: 0,
      upstream: 'vite:5173',
    }
    expect(terminal(finding, underApp)).toBe(`\
[hmr-doctor] nginx strips the path prefix: Vite serves under /app/, but requests arrive without it.
  seen: the HMR handshake arrived at /, not at /app/: Vite never answers it
  Keep the prefix: make nginx forward /app/ as the browser sent it.
  A proxy_pass without a path forwards the URI as the browser sent it, prefix and query included.

  nginx, in the location {} that proxies Vite, replacing its proxy_pass:

    proxy_pass http://vite:5173;

  vite.config: nothing to change.
  Then reload nginx: nginx -s reload`)
  })

  test('the prefix stripped, seen as a redirect loop (unauthenticated page loads): the upstream is where Vite listens', () => {
    const finding: Finding = {
      cause: 'uri-rewritten',
      what: 'prefix',
      request: request({ path: '/', host: 'localhost:5173', origin: null, hasToken: false, wsProtocol: null }),
      redirects: 4,
      upstream: null,
    }
    expect(terminal(finding, underApp)).toBe(`\
[hmr-doctor] nginx strips the path prefix: Vite serves under /app/, but requests arrive without it.
  seen: GET / arrived 4 times outside base /app/: Vite redirects it into /app/, the proxy strips it again (ERR_TOO_MANY_REDIRECTS)
  Keep the prefix: make nginx forward /app/ as the browser sent it.
  A proxy_pass without a path forwards the URI as the browser sent it, prefix and query included.

  nginx, in the location {} that proxies Vite, replacing its proxy_pass:

    proxy_pass http://127.0.0.1:5173;

  vite.config: nothing to change.
  Then reload nginx: nginx -s reload`)
  })
})

describe('socket-misdirected', () => {
  function misdirected(overrides: Partial<Extract<Finding, { cause: 'socket-misdirected' }>> = {}): Finding {
    return {
      cause: 'socket-misdirected',
      clientOrigin: 'http://localhost:8080',
      socketUrl: 'ws://localhost:5173/?token=…',
      opened: false,
      error: null,
      settings: { clientPort: 8080 },
      fallback: 'unknown',
      ...overrides,
    }
  }

  test('another port, fallback unknown: the clientPort block under server.ws', () => {
    expect(terminal(misdirected())).toBe(`\
[hmr-doctor] The browser dials the HMR socket at ws://localhost:5173/?token=…, not through http://localhost:8080 where the page came from.
  seen: the page at http://localhost:8080 dialled ws://localhost:5173/?token=…: it never opened, and no handshake for it reached Vite
  The proxy must forward WebSocket upgrades for /; the doctor says so if it doesn't.

  vite.config, merged into your config:

    export default defineConfig({
      server: {
        ws: {
          clientPort: 8080,
        },
      },
    })
  Then save vite.config: the vite command restarts Vite by itself (a server you start from code needs a restart).`)
  })

  test('a separate port under server.hmr: port folded, and why, with the fallback that failed on that port', () => {
    const finding = misdirected({
      socketUrl: 'ws://localhost:24678/?token=…',
      settings: { clientPort: 8080, port: 5173 },
      fallback: 'fails',
    })
    const facts = viteFacts({ hmrConfigKey: 'hmr', hmr: { port: 24678 } })
    expect(terminal(finding, facts)).toBe(`\
[hmr-doctor] The browser dials the HMR socket at ws://localhost:24678/?token=…, not through http://localhost:8080 where the page came from.
  seen: the page at http://localhost:8080 dialled ws://localhost:24678/?token=…: it never opened, and no handshake for it reached Vite
  Vite's direct fallback to port 24678 failed too: this page gets no updates.
  A separate server.hmr.port is a second server the proxy doesn't carry; on Vite's own port the proxy carries the socket with the page.
  The proxy must forward WebSocket upgrades for /; the doctor says so if it doesn't.

  vite.config, merged into your config:

    export default defineConfig({
      server: {
        hmr: {
          clientPort: 8080,
          port: 5173,
        },
      },
    })
  Then save vite.config: the vite command restarts Vite by itself (a server you start from code needs a restart).`)
  })

  test('the browser refused the socket: its error, every setting quoted or not by type', () => {
    const finding = misdirected({
      clientOrigin: 'https://app.test',
      socketUrl: 'ws://localhost:5173/?token=…',
      error: 'SecurityError: insecure WebSocket',
      settings: { protocol: 'wss', host: 'app.test', clientPort: 443 },
    })
    expect(terminal(finding)).toBe(`\
[hmr-doctor] The browser dials the HMR socket at ws://localhost:5173/?token=…, not through https://app.test where the page came from.
  seen: the page at https://app.test dialled ws://localhost:5173/?token=…: the browser refused it (SecurityError: insecure WebSocket)
  The proxy must forward WebSocket upgrades for /; the doctor says so if it doesn't.

  vite.config, merged into your config:

    export default defineConfig({
      server: {
        ws: {
          protocol: 'wss',
          host: 'app.test',
          clientPort: 443,
        },
      },
    })
  Then save vite.config: the vite command restarts Vite by itself (a server you start from code needs a restart).`)
  })

  test('a socket that opened straight to Vite (seen by the server): works here only', () => {
    const finding = misdirected({
      socketUrl: 'ws://localhost:24678/',
      opened: true,
      settings: { clientPort: 8080, port: 5173 },
    })
    expect(terminal(finding, viteFacts({ hmr: { port: 24678 } }))).toBe(`\
[hmr-doctor] The browser dials the HMR socket at ws://localhost:24678/, not through http://localhost:8080 where the page came from.
  seen: the page at http://localhost:8080 dialled ws://localhost:24678/: it opened only because this browser reaches that address directly
  A browser in Docker or on another machine gets no updates.
  A separate server.ws.port is a second server the proxy doesn't carry; on Vite's own port the proxy carries the socket with the page.
  The proxy must forward WebSocket upgrades for /; the doctor says so if it doesn't.

  vite.config, merged into your config:

    export default defineConfig({
      server: {
        ws: {
          clientPort: 8080,
          port: 5173,
        },
      },
    })
  Then save vite.config: the vite command restarts Vite by itself (a server you start from code needs a restart).`)
  })

  test('a hostname no config can hold: described, nothing to paste', () => {
    const finding = misdirected({
      clientOrigin: "http://x'+y.test:8080",
      socketUrl: 'ws://localhost:8080/',
      settings: null,
    })
    const text = terminal(finding)
    expect(text).toContain(
      "Nothing to paste: http://x'+y.test:8080's hostname is not one a config can hold as it is; set server.ws.host and clientPort to the name and port the browser uses for this page.",
    )
    expect(text).not.toContain('defineConfig')
    expect(text).not.toContain('Then save vite.config')
  })
})

describe('idle-timeout', () => {
  function idle(proxy: ProxyKind): Finding {
    return {
      cause: 'idle-timeout',
      proxy,
      pageOrigin: 'http://localhost:8080',
      idleMs: 60_000,
      closes: 3,
      spanMs: 188_000,
      code: 1006,
      seenByVite: 0,
      upstream: '127.0.0.1:5173',
    }
  }

  const NGINX_WS = `\
[hmr-doctor] The proxy closes the HMR socket after 60.0 s idle, and Vite reloads the page every time.
  seen: closed after 60.0 s idle, 3 times in 188.0 s (close code 1006), on the page at http://localhost:8080
  Raise nginx's idle timeout for upgraded connections (idle sockets then stay open longer), or make Vite's client ping more often than every 60.0 s (one small frame per interval per open tab).

  nginx, in the location {} that proxies Vite's HMR socket, replacing any proxy_read_timeout or proxy_send_timeout there:

    proxy_read_timeout 1h;
    proxy_send_timeout 1h;

  or instead, vite.config, merged into your config:

    export default defineConfig({
      server: {
        ws: {
          timeout: 30000,
        },
      },
    })
  Then reload nginx (nginx -s reload), or instead save vite.config: the vite command restarts Vite by itself (a server you start from code needs a restart).`

  test('nginx: its timeouts, or a faster ping under server.ws', () => {
    expect(terminal(idle('nginx'))).toBe(NGINX_WS)
  })

  test('nginx on Vite before 8.1: the ping under server.hmr', () => {
    const expected = NGINX_WS.replace('        ws: {', '        hmr: {')
    // The replace must have hit, or the comparison would prove nothing about the key.
    expect(expected).not.toBe(NGINX_WS)
    expect(terminal(idle('nginx'), viteFacts({ hmrConfigKey: 'hmr' }))).toBe(expected)
  })

  test("HAProxy: its own tunnel timeout, not nginx's directives", () => {
    expect(terminal(idle('haproxy'))).toBe(`\
[hmr-doctor] The proxy closes the HMR socket after 60.0 s idle, and Vite reloads the page every time.
  seen: closed after 60.0 s idle, 3 times in 188.0 s (close code 1006), on the page at http://localhost:8080
  Raise HAProxy's idle timeout for upgraded connections (idle sockets then stay open longer), or make Vite's client ping more often than every 60.0 s (one small frame per interval per open tab).

  HAProxy, in the defaults section (or the backend that proxies Vite):

    timeout tunnel 1h

  or instead, vite.config, merged into your config:

    export default defineConfig({
      server: {
        ws: {
          timeout: 30000,
        },
      },
    })
  Then reload HAProxy (systemctl reload haproxy), or instead save vite.config: the vite command restarts Vite by itself (a server you start from code needs a restart).`)
  })

  // A proxy that can't be told apart gets no block and no reload, only the ping.
  test("Caddy: its transport's read_timeout, the one timeout of its that closes an idle socket", () => {
    const text = terminal(idle('caddy'))
    expect(
      text,
    ).toContain(`  Caddy, in the transport http {} block of the reverse_proxy that proxies Vite, replacing its read_timeout:

    read_timeout 1h
`)
    expect(text).toContain('Then reload Caddy (caddy reload), or instead save vite.config')
  })

  test('a proxy that can’t be told apart: the faster ping, and in words what the proxy must do', () => {
    expect(terminal(idle('unknown'))).toBe(`\
[hmr-doctor] The proxy closes the HMR socket after 60.0 s idle, and Vite reloads the page every time.
  seen: closed after 60.0 s idle, 3 times in 188.0 s (close code 1006), on the page at http://localhost:8080
  Raise the proxy's idle timeout for upgraded connections (idle sockets then stay open longer), or make Vite's client ping more often than every 60.0 s (one small frame per interval per open tab).

  vite.config, merged into your config:

    export default defineConfig({
      server: {
        ws: {
          timeout: 30000,
        },
      },
    })
  Then save vite.config: the vite command restarts Vite by itself (a server you start from code needs a restart).`)
  })

  test("Apache's idle lines: timeout= on its ProxyPass, in both layouts, naming the socket's upstream", () => {
    const text = terminal({ ...idle('apache'), upstream: 'vite:5173' } as Finding)
    expect(text).toContain(`  Apache, in the <VirtualHost> that proxies Vite, replacing its ProxyPass for /:

    ProxyPass / http://vite:5173/ upgrade=websocket timeout=3600
`)
    expect(text).toContain('    ProxyPass http://vite:5173/ upgrade=websocket timeout=3600\n')
    expect(text).toContain('Then reload Apache (apachectl graceful), or instead save vite.config')
  })

  test("the doctor's keepalive in force is said after the advice", () => {
    expect(terminal(idle('unknown'), viteFacts(), 25_000)).toBe(`\
[hmr-doctor] The proxy closes the HMR socket after 60.0 s idle, and Vite reloads the page every time.
  seen: closed after 60.0 s idle, 3 times in 188.0 s (close code 1006), on the page at http://localhost:8080
  Raise the proxy's idle timeout for upgraded connections (idle sockets then stay open longer), or make Vite's client ping more often than every 60.0 s (one small frame per interval per open tab).
  Until then the doctor pings each HMR client every 25.0 s so pages stop reloading (option keepalive).

  vite.config, merged into your config:

    export default defineConfig({
      server: {
        ws: {
          timeout: 30000,
        },
      },
    })
  Then save vite.config: the vite command restarts Vite by itself (a server you start from code needs a restart).`)
  })
})

test.each<[number, number]>([
  [1990, 900],
  [2000, 1000],
  [5000, 2500],
  [30_000, 15_000],
  [60_000, 30_000],
  [150, 100],
  [0, 100],
])('pingIntervalBelow(%i) is %i', (idleMs, interval) => {
  expect(pingIntervalBelow(idleMs)).toBe(interval)
})

describe('proxy-error', () => {
  function proxyError(status: number, overrides: Partial<Extract<Finding, { cause: 'proxy-error' }>> = {}): Finding {
    return {
      cause: 'proxy-error',
      proxy: 'nginx',
      status,
      server: 'nginx/1.22.1',
      socketUrl: 'ws://app.test/hmr?token=…',
      path: '/hmr',
      pageOrigin: 'http://app.test',
      fallback: 'unknown',
      ...overrides,
    }
  }
  const facts = viteFacts({ hmrPath: '/hmr', listen: { host: '[::1]', port: 5173 } })

  test("nginx's 502: the route to where Vite listens, with why it can't reach it", () => {
    expect(terminal(proxyError(502), facts)).toBe(`\
[hmr-doctor] nginx answered 502 for /hmr: it can't reach Vite at the upstream it uses there.
  seen: the page at http://app.test dialled ws://app.test/hmr?token=…; asked over plain HTTP, that URL answered 502 (Server: nginx/1.22.1), and no handshake from the page reached Vite
  Point that route at the address Vite listens on. Vite listens on [::1]:5173 (IPv6 only: localhost resolved to ::1).

  nginx, inside http {}:

    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }

  nginx, inside the server {} that proxies Vite:

    location = /hmr {
        proxy_pass http://[::1]:5173;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $host;
    }

  vite.config: nothing to change.
  Then reload nginx: nginx -s reload`)
  })

  test("the page's own word for the path never reaches the printed location: Vite's HMR path does", () => {
    const text = terminal(proxyError(404, { path: '/x";evil' }), facts)
    expect(text).toContain('location = /hmr {')
    expect(text).not.toContain('evil;')
  })

  test("Apache's 404 gets the words, not nginx's lines", () => {
    const text = terminal(proxyError(404, { proxy: 'apache', server: 'Apache/2.4.62' }), facts)
    expect(text).toContain("[hmr-doctor] Apache answered 404 for /hmr: the HMR socket's path isn't routed to Vite.")
    expect(text).not.toContain('location')
  })

  test('504: what Vite needs to answer, no route to paste', () => {
    const text = terminal(proxyError(504), facts)
    expect(text).toContain("[hmr-doctor] nginx answered 504 for /hmr: Vite didn't answer it in time.")
    expect(text).not.toContain('proxy_pass')
  })
})

test('a handshake at a path that is no shorter form of the socket path: rewritten, not stripped', () => {
  const finding: Finding = {
    cause: 'uri-rewritten',
    what: 'prefix',
    request: request({ path: '/hmr-old', host: '127.0.0.1:5173', origin: 'http://localhost:8080' }),
    redirects: 0,
    upstream: '127.0.0.1:5173',
  }
  const text = terminal(finding, viteFacts({ hmrPath: '/hmr' }))
  expect(text).toContain(
    "[hmr-doctor] nginx rewrites the HMR socket's path: Vite answers a handshake only at /hmr, and it never answers this one.",
  )
  expect(text).toContain('seen: the HMR handshake arrived at /hmr-old, not at /hmr: Vite never answers it')
  expect(text).toContain('proxy_pass http://127.0.0.1:5173;')
})
