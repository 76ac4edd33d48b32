import { describe, expect, test } from 'vitest'
import type { Finding } from '../../../src/diagnose/finding-types.js'
import { terminal, viteFacts } from '../../fixtures.js'

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
    expect(terminal(proxyError(502), facts)).toMatchInlineSnapshot(`
      "[hmr-doctor] nginx answered 502 for /hmr: it can't reach Vite at the upstream it uses there.
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
        Then reload nginx: nginx -s reload"
    `)
  })

  test("the page's own word for the path never reaches the printed location: Vite's HMR path does", () => {
    const text = terminal(proxyError(404, { path: '/x";evil' }), facts)
    expect(text).toContain('location = /hmr {')
    expect(text).not.toContain('evil;')
  })

  const express404 = (path = '/hmr') =>
    proxyError(404, { proxy: 'unknown', server: null, express: true, path, socketUrl: `ws://app.test${path}?token=…` })

  test("Express's own 404: the pathFilter entry in http-proxy-middleware's syntax, Vite's own HMR path", () => {
    expect(terminal(express404(), facts)).toMatchInlineSnapshot(`
      "[hmr-doctor] Express answered 404 for /hmr itself: none of its middlewares takes the HMR socket's path.
        seen: the page at http://app.test dialled ws://app.test/hmr?token=…; asked over plain HTTP, that URL answered 404 with Express's own page (X-Powered-By: Express), and no handshake from the page reached Vite
        Route /hmr to Vite as a WebSocket. Vite listens on [::1]:5173 (IPv6 only: localhost resolved to ::1).
        If your server proxies to Vite with http-proxy-middleware (ws: true in the same options), add the path to its pathFilter list.

        http-proxy-middleware, in the pathFilter list you pass to createProxyMiddleware({ … }):

          '/hmr',

        vite.config: nothing to change.
        Then restart your server."
    `)
  })

  test("Express's own 404 at a path other than Vite's: the words, nothing to paste", () => {
    const text = terminal(express404('/app/hmr'), facts)
    expect(text).toContain('Express answered 404 for /app/hmr itself')
    expect(text).not.toContain('pathFilter')
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
