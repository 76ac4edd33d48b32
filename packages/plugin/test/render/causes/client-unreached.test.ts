import { describe, expect, test } from 'vitest'
import type { Finding } from '../../../src/diagnose/finding-types.js'
import { terminal } from '../../fixtures.js'

describe('client-unreached', () => {
  const stripped: Finding = {
    cause: 'client-unreached',
    pageUrl: 'http://app.test/app/',
    clientSrc: 'http://app.test/@vite/client',
    arrivedPath: '/',
    strippedPrefix: '/app/',
    upstream: null,
    proxy: 'nginx',
  }

  test("a prefix only a page's report implies: described with its source and the check to run, no block", () => {
    expect(terminal(stripped)).toMatchInlineSnapshot(`
      "[hmr-doctor] Vite served the page at http://app.test/app/, but Vite's client never ran in it: no HMR. A proxy (nginx, by the marks on the report) seems to strip /app/ before Vite sees it.
        seen: the page at http://app.test/app/ asked for http://app.test/@vite/client, which never reached Vite; the page's own report arrived at Vite as /
        The prefix comes from the page's report (its URL, and the path it arrived under), not your config; anyone who can load a page can send one, so no fix is printed from it. To confirm it and get the base and the proxy's route to paste, run npx hmr-doctor check <the URL you open the page at>."
    `)
  })

  test('the same prefix with nothing to say which proxy: no proxy named', () => {
    expect(terminal({ ...stripped, proxy: 'unknown' })).toMatchInlineSnapshot(`
      "[hmr-doctor] Vite served the page at http://app.test/app/, but Vite's client never ran in it: no HMR. A proxy seems to strip /app/ before Vite sees it.
        seen: the page at http://app.test/app/ asked for http://app.test/@vite/client, which never reached Vite; the page's own report arrived at Vite as /
        The prefix comes from the page's report (its URL, and the path it arrived under), not your config; anyone who can load a page can send one, so no fix is printed from it. To confirm it and get the base and the proxy's route to paste, run npx hmr-doctor check <the URL you open the page at>."
    `)
  })

  test("the developer typed the page's URL (the CLI): the base and the proxy's route, upstream where Vite listens", () => {
    expect(terminal({ ...stripped, confirmed: true })).toMatchInlineSnapshot(`
      "[hmr-doctor] nginx strips /app/ before Vite sees it: Vite serves the page, but its client never reaches Vite, so no HMR.
        seen: the page at http://app.test/app/ asked for http://app.test/@vite/client, which never reached Vite; the page's own report arrived at Vite as /
        With base '/' Vite writes root-relative URLs (/@vite/client, /src/…), which miss the proxy's /app/ route. Serve under /app/ and make nginx keep the prefix, forwarding /app/ as the browser sent it.
        A proxy_pass without a path forwards the URI as the browser sent it, prefix and query included.

        nginx, in the location {} that proxies Vite, replacing its proxy_pass:

          proxy_pass http://127.0.0.1:5173;

        vite.config, merged into your config:

          export default defineConfig({
            base: '/app/',
          })
        Then reload nginx (nginx -s reload) and save vite.config: the vite command restarts Vite by itself (a server you start from code needs a restart)."
    `)
  })

  test('no prefix to tell: the client named, nothing to paste', () => {
    expect(terminal({ ...stripped, strippedPrefix: null, arrivedPath: '/app/' })).toMatchInlineSnapshot(`
      "[hmr-doctor] Vite served the page at http://app.test/app/, but Vite's client never ran in it: no HMR.
        seen: the page at http://app.test/app/ asked for http://app.test/@vite/client, which never reached Vite; the page's own report arrived at Vite as /app/
        Make http://app.test/@vite/client reach Vite through the proxy, or check that nothing blocks the script (a content security policy, an extension)."
    `)
  })
})
