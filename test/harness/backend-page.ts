import { createServer } from 'node:http'
import { freePort, PROXY_HOST } from 'hmr-doctor-playground/kit'
import type { Scenario } from './scenario.js'

/**
 * A backend-rendered page (Laravel, Rails, Django, an Express template): the backend serves the HTML on its
 * own origin, and the page loads Vite's client and entry from Vite's origin, here nginx in front of Vite.
 * The page's origin differs from the socket's by design. `tagged: false` imports the client from an inline
 * module instead of naming it in a script tag: a page that works but doesn't reveal its client.
 */
export async function backendPage(
  scenario: Pick<Scenario, 'defer'>,
  viteOrigin: string,
  options: { tagged?: boolean } = {},
): Promise<string> {
  const port = await freePort(PROXY_HOST)
  const client =
    options.tagged === false
      ? `<script type="module">import '${viteOrigin}/@vite/client'</script>`
      : `<script type="module" src="${viteOrigin}/@vite/client"></script>`
  const html = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>rendered by the backend</title>
    ${client}
  </head>
  <body>
    <p id="message"></p>
    <script type="module" src="${viteOrigin}/src/main.ts"></script>
  </body>
</html>`
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html))
  await new Promise<void>((resolve) => server.listen(port, PROXY_HOST, resolve))
  scenario.defer(() => new Promise((resolve) => server.close(resolve)))
  return `http://${PROXY_HOST}:${port}`
}
