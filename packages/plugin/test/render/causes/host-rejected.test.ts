import { describe, expect, test } from 'vitest'
import type { Finding } from '../../../src/diagnose/finding-types.js'
import type { RequestSnapshot } from '../../../src/evidence/evidence-types.js'
import { request, terminal, viteFacts } from '../../fixtures.js'

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
    expect(terminal(finding, viteFacts({ allowedHosts: ['other.test'] }))).toMatchInlineSnapshot(`
      "[hmr-doctor] Vite's host check refuses "app.test": every page through the proxy gets 403, and Vite logs nothing.
        seen: GET /about with Host: app.test:8080
        If "app.test" is the name your proxy or tunnel serves the app under, add it to server.allowedHosts in vite.config and restart Vite.
        Nothing is printed to paste: any client can send any Host, and this one was not seen from a page of this server. Allow only a name you recognise (never allowedHosts: true): an allowed name lets sites under it read this dev server."
    `)
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
    expect(terminal(finding, viteFacts({ allowedHosts: ['other.test'] }))).toMatchInlineSnapshot(`
      "[hmr-doctor] Vite's host check refuses the HMR handshake's Host "app.test" with a silent 400.
        seen: GET / with Host: app.test, from the page at https://app.test
        Nothing to change in the proxy: it forwards the Host the page was asked under, which Vite must allow.

        vite.config, merged into your config (add to any allowedHosts you already have):

          export default defineConfig({
            server: {
              allowedHosts: ['app.test'],
            },
          })

        Allow only a name you recognise (never allowedHosts: true): an allowed name lets sites under it read this dev server.
        Then save vite.config: the vite command restarts Vite by itself (a server you start from code needs a restart)."
    `)
  })
})
