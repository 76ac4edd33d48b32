import { describe, expect, test } from 'vitest'
import type { Finding } from '../../../src/diagnose/finding-types.js'
import type { ProxyKind } from '../../../src/evidence/evidence-types.js'
import { terminal, viteFacts } from '../../fixtures.js'

describe('idle-timeout', () => {
  function idle(proxy: ProxyKind): Finding {
    return {
      cause: 'idle-timeout',
      proxy,
      pageOrigin: 'http://localhost:8080',
      timeoutMs: 60_000,
      idleRangeMs: [59_980, 60_020],
      closes: 3,
      spanMs: 188_000,
      code: 1006,
      seenByVite: 0,
      upstream: '127.0.0.1:5173',
    }
  }

  const NGINX_WS = `\
[hmr-doctor] The proxy closes the HMR socket after 60 s idle, and Vite reloads the page every time.
  seen: closed after 60.0 s idle, 3 times in 188.0 s (close code 1006), on the page at http://localhost:8080
  Raise nginx's idle timeout for upgraded connections (idle sockets then stay open longer), or make Vite's client ping more often than every 60 s (one small frame per interval per open tab).

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
    expect(terminal(idle('haproxy'))).toMatchInlineSnapshot(`
      "[hmr-doctor] The proxy closes the HMR socket after 60 s idle, and Vite reloads the page every time.
        seen: closed after 60.0 s idle, 3 times in 188.0 s (close code 1006), on the page at http://localhost:8080
        Raise HAProxy's idle timeout for upgraded connections (idle sockets then stay open longer), or make Vite's client ping more often than every 60 s (one small frame per interval per open tab).

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
        Then reload HAProxy (systemctl reload haproxy), or instead save vite.config: the vite command restarts Vite by itself (a server you start from code needs a restart)."
    `)
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
    expect(terminal(idle('unknown'))).toMatchInlineSnapshot(`
      "[hmr-doctor] The proxy closes the HMR socket after 60 s idle, and Vite reloads the page every time.
        seen: closed after 60.0 s idle, 3 times in 188.0 s (close code 1006), on the page at http://localhost:8080
        Raise the proxy's idle timeout for upgraded connections (idle sockets then stay open longer), or make Vite's client ping more often than every 60 s (one small frame per interval per open tab).

        vite.config, merged into your config:

          export default defineConfig({
            server: {
              ws: {
                timeout: 30000,
              },
            },
          })
        Then save vite.config: the vite command restarts Vite by itself (a server you start from code needs a restart)."
    `)
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
    expect(terminal(idle('unknown'), viteFacts(), 25_000)).toMatchInlineSnapshot(`
      "[hmr-doctor] The proxy closes the HMR socket after 60 s idle, and Vite reloads the page every time.
        seen: closed after 60.0 s idle, 3 times in 188.0 s (close code 1006), on the page at http://localhost:8080
        Raise the proxy's idle timeout for upgraded connections (idle sockets then stay open longer), or make Vite's client ping more often than every 60 s (one small frame per interval per open tab).
        Until then the doctor pings each HMR client every 25.0 s so pages stop reloading (option keepalive).

        vite.config, merged into your config:

          export default defineConfig({
            server: {
              ws: {
                timeout: 30000,
              },
            },
          })
        Then save vite.config: the vite command restarts Vite by itself (a server you start from code needs a restart)."
    `)
  })

  test('the setting in the summary and the ping, the readings as measured in the seen line', () => {
    const text = terminal({ ...idle('unknown'), timeoutMs: 2000, idleRangeMs: [1861, 2043], closes: 4 } as Finding)
    expect(text.split('\n').slice(0, 3).join('\n')).toMatchInlineSnapshot(`
      "[hmr-doctor] The proxy closes the HMR socket after 2 s idle, and Vite reloads the page every time.
        seen: closed after 1.9–2.0 s idle, 4 times in 188.0 s (close code 1006), on the page at http://localhost:8080
        Raise the proxy's idle timeout for upgraded connections (idle sockets then stay open longer), or make Vite's client ping more often than every 2 s (one small frame per interval per open tab)."
    `)
    expect(text).toContain('          timeout: 1000,\n')
  })

  test('a setting that is no whole second, in tenths', () => {
    const text = terminal({ ...idle('unknown'), timeoutMs: 1500, idleRangeMs: [1480, 1480] } as Finding)
    expect(text.split('\n').slice(0, 2).join('\n')).toMatchInlineSnapshot(`
      "[hmr-doctor] The proxy closes the HMR socket after 1.5 s idle, and Vite reloads the page every time.
        seen: closed after 1.5 s idle, 3 times in 188.0 s (close code 1006), on the page at http://localhost:8080"
    `)
  })
})
