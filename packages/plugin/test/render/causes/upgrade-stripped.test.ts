import { describe, expect, test } from 'vitest'
import { terminal, upgradeStripped, viteFacts } from '../../fixtures.js'

describe('renderTerminal(renderFinding()) for upgrade-stripped behind nginx', () => {
  test('fallback works', () => {
    expect(terminal(upgradeStripped({ fallback: 'works' }))).toMatchInlineSnapshot(`
      "[hmr-doctor] nginx drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.
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
        Then reload nginx: nginx -s reload"
    `)
  })

  test('fallback fails', () => {
    expect(terminal(upgradeStripped({ fallback: 'fails' }))).toMatchInlineSnapshot(`
      "[hmr-doctor] nginx drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.
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
        Then reload nginx: nginx -s reload"
    `)
  })

  test('fallback unknown, and an hmr.port names the port', () => {
    expect(
      terminal(upgradeStripped({ fallback: 'unknown' }), viteFacts({ hmr: { port: 24678 } })),
    ).toMatchInlineSnapshot(`
      "[hmr-doctor] nginx drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.
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
        Then reload nginx: nginx -s reload"
    `)
  })

  test('a proxy that sets Host $host sends to where Vite listens; base /app/ and hmr.path give the location', () => {
    const finding = upgradeStripped({ handshake: { path: '/app/hmr', host: 'localhost:8080', connection: null } })
    const facts = viteFacts({ base: '/app/', hmrPath: '/app/hmr', listen: { host: '127.0.0.1', port: 5174 } })
    expect(terminal(finding, facts)).toMatchInlineSnapshot(`
      "[hmr-doctor] nginx drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.
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
        Then reload nginx: nginx -s reload"
    `)
  })

  test("a page host Vite's host check would reject gets an allowedHosts block with just that host", () => {
    const finding = upgradeStripped({
      handshake: { origin: 'https://app.test', host: 'vite:5173', hostSource: 'local' },
    })
    expect(terminal(finding, viteFacts({ allowedHosts: ['.example.com'] }))).toMatchInlineSnapshot(`
      "[hmr-doctor] nginx drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.
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
        Then reload nginx (nginx -s reload) and save vite.config: the vite command restarts Vite by itself (a server you start from code needs a restart)."
    `)
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
  expect(terminal(finding)).toMatchInlineSnapshot(`
    "[hmr-doctor] Caddy drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.
      seen: GET / HTTP/1.1 with Connection: Upgrade and no Upgrade header, from the page at http://localhost:8080
      Caddy passes Connection: upgrade on but not the Upgrade header, so Vite sees no upgrade at all.
      Caddy carries WebSockets as they are; a header_up that deletes or sets Upgrade flattens the handshake. Remove it however it is written.
      A caddy reload closes every open HMR socket, so each open page reloads once; from Caddy 2.7, stream_close_delay in the reverse_proxy keeps them open across reloads.

      Caddy, removing these lines from the reverse_proxy that proxies Vite:

        header_up -Upgrade

      vite.config: nothing to change.
      Then reload Caddy: caddy reload"
  `)
})

test('Apache gets its ProxyPass with upgrade=websocket, under base', () => {
  const finding = upgradeStripped({
    proxy: 'apache',
    handshake: { httpVersion: '1.1', connection: 'Keep-Alive', host: '127.0.0.1:5173', path: '/app/' },
  })
  expect(terminal(finding, viteFacts({ base: '/app/', hmrPath: '/app/' }))).toMatchInlineSnapshot(`
    "[hmr-doctor] Apache drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.
      seen: GET /app/ HTTP/1.1 with Connection: Keep-Alive and no Upgrade header, from the page at http://localhost:8080
      upgrade=websocket needs Apache 2.4.47 or later (Debian 12's is newer); older ones carry sockets only through mod_proxy_wstunnel and a ws:// ProxyPass or RewriteRule.

      Apache, in the <VirtualHost> that proxies Vite, replacing its ProxyPass for /app/:

        ProxyPass /app/ http://127.0.0.1:5173/app/ upgrade=websocket

      Apache, or where that ProxyPass is inside <Location /app/>, replacing it there (no path inside <Location>):

        ProxyPass http://127.0.0.1:5173/app/ upgrade=websocket

      Apache, or where it is inside a regex <Location ~ …> or <LocationMatch>, replacing it there (no path, no trailing slash):

        ProxyPass http://127.0.0.1:5173 upgrade=websocket

      vite.config: nothing to change.
      Then reload Apache: apachectl graceful"
  `)
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
