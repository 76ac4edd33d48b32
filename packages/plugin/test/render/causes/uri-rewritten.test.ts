import { describe, expect, test } from 'vitest'
import type { Finding } from '../../../src/diagnose/finding-types.js'
import { request, terminal, viteFacts } from '../../fixtures.js'

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
    expect(terminal(finding)).toMatchInlineSnapshot(`
      "[hmr-doctor] nginx drops the query string: the HMR handshake reaches Vite without its token, and Vite refuses it (400).
        seen: the HMR handshake arrived at / with Origin http://localhost:8080 and no token in its query
        Module URLs lose their query too (?import, ?raw, ?t=), so some imports get the wrong content. Make nginx forward the query string as the browser sent it.
        A proxy_pass without a path forwards the URI as the browser sent it, prefix and query included.

        nginx, in the location {} that proxies Vite, replacing its proxy_pass:

          proxy_pass http://127.0.0.1:5173;

        vite.config: nothing to change.
        Then reload nginx: nginx -s reload"
    `)
  })

  test('the prefix stripped, seen on a handshake off the HMR path', () => {
    const finding: Finding = {
      cause: 'uri-rewritten',
      what: 'prefix',
      request: request({ path: '/', host: 'vite:5173', origin: 'http://localhost:8080' }),
      redirects: 0,
      upstream: 'vite:5173',
    }
    expect(terminal(finding, underApp)).toMatchInlineSnapshot(`
      "[hmr-doctor] nginx strips the path prefix: Vite serves under /app/, but requests arrive without it.
        seen: the HMR handshake arrived at /, not at /app/: Vite never answers it
        Keep the prefix: make nginx forward /app/ as the browser sent it.
        A proxy_pass without a path forwards the URI as the browser sent it, prefix and query included.

        nginx, in the location {} that proxies Vite, replacing its proxy_pass:

          proxy_pass http://vite:5173;

        vite.config: nothing to change.
        Then reload nginx: nginx -s reload"
    `)
  })

  test('the prefix stripped, seen as a redirect loop (unauthenticated page loads): the upstream is where Vite listens', () => {
    const finding: Finding = {
      cause: 'uri-rewritten',
      what: 'prefix',
      request: request({ path: '/', host: 'localhost:5173', origin: null, hasToken: false, wsProtocol: null }),
      redirects: 4,
      upstream: null,
    }
    expect(terminal(finding, underApp)).toMatchInlineSnapshot(`
      "[hmr-doctor] nginx strips the path prefix: Vite serves under /app/, but requests arrive without it.
        seen: GET / arrived 4 times outside base /app/: Vite redirects it into /app/, the proxy strips it again (ERR_TOO_MANY_REDIRECTS)
        Keep the prefix: make nginx forward /app/ as the browser sent it.
        A proxy_pass without a path forwards the URI as the browser sent it, prefix and query included.

        nginx, in the location {} that proxies Vite, replacing its proxy_pass:

          proxy_pass http://127.0.0.1:5173;

        vite.config: nothing to change.
        Then reload nginx: nginx -s reload"
    `)
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
