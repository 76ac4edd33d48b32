import { describe, expect, test } from 'vitest'
import type { Finding } from '../../../src/diagnose/finding-types.js'
import { terminal, viteFacts } from '../../fixtures.js'

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
    expect(terminal(misdirected())).toMatchInlineSnapshot(`
      "[hmr-doctor] The browser dials the HMR socket at ws://localhost:5173/?token=…, not through http://localhost:8080 where the page came from.
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
        Then save vite.config: the vite command restarts Vite by itself (a server you start from code needs a restart)."
    `)
  })

  test('a separate port under server.hmr: port folded, and why, with the fallback that failed on that port', () => {
    const finding = misdirected({
      socketUrl: 'ws://localhost:24678/?token=…',
      settings: { clientPort: 8080, port: 5173 },
      fallback: 'fails',
    })
    const facts = viteFacts({ hmrConfigKey: 'hmr', hmr: { port: 24678 } })
    expect(terminal(finding, facts)).toMatchInlineSnapshot(`
      "[hmr-doctor] The browser dials the HMR socket at ws://localhost:24678/?token=…, not through http://localhost:8080 where the page came from.
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
        Then save vite.config: the vite command restarts Vite by itself (a server you start from code needs a restart)."
    `)
  })

  test('the browser refused the socket: its error, every setting quoted or not by type', () => {
    const finding = misdirected({
      clientOrigin: 'https://app.test',
      socketUrl: 'ws://localhost:5173/?token=…',
      error: 'SecurityError: insecure WebSocket',
      settings: { protocol: 'wss', host: 'app.test', clientPort: 443 },
    })
    expect(terminal(finding)).toMatchInlineSnapshot(`
      "[hmr-doctor] The browser dials the HMR socket at ws://localhost:5173/?token=…, not through https://app.test where the page came from.
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
        Then save vite.config: the vite command restarts Vite by itself (a server you start from code needs a restart)."
    `)
  })

  test('a socket that opened straight to Vite (seen by the server): works here only', () => {
    const finding = misdirected({
      socketUrl: 'ws://localhost:24678/',
      opened: true,
      settings: { clientPort: 8080, port: 5173 },
    })
    expect(terminal(finding, viteFacts({ hmr: { port: 24678 } }))).toMatchInlineSnapshot(`
      "[hmr-doctor] The browser dials the HMR socket at ws://localhost:24678/, not through http://localhost:8080 where the page came from.
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
        Then save vite.config: the vite command restarts Vite by itself (a server you start from code needs a restart)."
    `)
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

  test("settings only a page's report vouches for: the origin named as the report's, the check to run, nothing to paste", () => {
    expect(terminal(misdirected({ settings: null, unconfirmed: true }))).toMatchInlineSnapshot(`
      "[hmr-doctor] The browser dials the HMR socket at ws://localhost:5173/?token=…, not through http://localhost:8080 where the page came from.
        seen: the page at http://localhost:8080 dialled ws://localhost:5173/?token=…: it never opened, and no handshake for it reached Vite
        Nothing to paste: http://localhost:8080 comes from the page's report, not your config, and anyone who can load a page can send one; settings made from it could break a socket that works. If you open the app at http://localhost:8080, run npx hmr-doctor check <the URL you open the page at>: it prints server.ws for that URL.
        The proxy must forward WebSocket upgrades for /; the doctor says so if it doesn't."
    `)
  })

  test("a separate port from a page's report: the config's own fact said, the settings not", () => {
    const facts = viteFacts({ hmr: { port: 24678 } })
    expect(terminal(misdirected({ settings: null, unconfirmed: true }), facts)).toMatchInlineSnapshot(`
      "[hmr-doctor] The browser dials the HMR socket at ws://localhost:5173/?token=…, not through http://localhost:8080 where the page came from.
        seen: the page at http://localhost:8080 dialled ws://localhost:5173/?token=…: it never opened, and no handshake for it reached Vite
        A separate server.ws.port is a second server the proxy doesn't carry; on Vite's own port the proxy carries the socket with the page.
        Nothing to paste: http://localhost:8080 comes from the page's report, not your config, and anyone who can load a page can send one; settings made from it could break a socket that works. If you open the app at http://localhost:8080, run npx hmr-doctor check <the URL you open the page at>: it prints server.ws for that URL.
        The proxy must forward WebSocket upgrades for /; the doctor says so if it doesn't."
    `)
  })

  test("a public host from a page's report: where the browser would take its updates from", () => {
    const finding = misdirected({
      clientOrigin: 'https://attacker.example:8443',
      settings: null,
      unconfirmed: true,
      unconfirmedHost: 'attacker.example',
    })
    expect(terminal(finding)).toMatchInlineSnapshot(`
      "[hmr-doctor] The browser dials the HMR socket at ws://localhost:5173/?token=…, not through https://attacker.example:8443 where the page came from.
        seen: the page at https://attacker.example:8443 dialled ws://localhost:5173/?token=…: it never opened, and no handshake for it reached Vite
        Nothing to paste: "attacker.example" comes from the page's report, not your config, and anyone who can load a page can send one; the socket's host is where the browser takes updates from. If you open the app at https://attacker.example:8443, run npx hmr-doctor check <the URL you open the page at>: it prints server.ws for that URL.
        The proxy must forward WebSocket upgrades for /; the doctor says so if it doesn't."
    `)
  })
})
