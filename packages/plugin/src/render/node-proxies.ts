import type { ConfigBlock } from './types.js'

/**
 * The Node proxy libraries' own syntax for carrying Vite's socket, in one place: each block is pasted as
 * printed into a real server in the end-to-end tests, and HMR then works through it.
 */

/**
 * http-proxy's web pass forwards an upgrade as a plain request and drops Vite's 101; its `ws` pass carries
 * it. The blocks for each library built on it: which one a server uses, only its source says.
 */
export function relayUpgradeBlocks(target: string): ConfigBlock[] {
  return [
    {
      where: 'http-proxy-middleware, in the options you pass to createProxyMiddleware({ … })',
      text: 'ws: true,',
    },
    {
      where:
        'http-proxy-middleware, after your server is created (const server = app.listen(…)), with proxy the middleware createProxyMiddleware returned',
      text: "server.on('upgrade', proxy.upgrade)",
    },
    {
      where: 'or http-proxy / http-proxy-3 with only proxy.web(…), after your server is created (const server = …)',
      text: `server.on('upgrade', (req, socket, head) => {\n  proxy.ws(req, socket, head, { target: '${target}' })\n})`,
    },
  ]
}

/** Why the `upgrade` subscription goes beside `ws: true`. */
export const UPGRADE_SUBSCRIPTION_NOTE =
  "http-proxy-middleware subscribes to the server's upgrade event on the first HTTP request through it; the server.on line carries a socket that comes first."
