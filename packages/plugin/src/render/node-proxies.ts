import { jsString } from '../safe/quote.js'
import { VITE_PROTOCOLS } from './proxies/proxy-syntax.js'
import type { ConfigBlock } from './rendered-types.js'

/**
 * The Node proxy libraries' own syntax for carrying Vite's socket, in one place: each block is pasted as
 * printed into a real server in the end-to-end tests, and HMR then works through it.
 */

/**
 * http-proxy's web pass forwards an upgrade as a plain request and drops Vite's 101; its `ws` pass carries
 * it. The blocks for each library built on it: which one a server uses, only its source says.
 */
export function relayUpgradeBlocks(target: string, hmrPath: string): ConfigBlock[] {
  return [
    {
      // Two middlewares with ws: true both take the one socket: its frames arrive garbled.
      where: `http-proxy-middleware, in the options of the middleware that proxies the HMR path (${hmrPath}), and in no other createProxyMiddleware({ … })`,
      text: 'ws: true,',
    },
    {
      where:
        'http-proxy-middleware, after your server is created (const server = app.listen(…)), with proxy that same middleware (the one createProxyMiddleware returned for the HMR path)',
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
  "http-proxy-middleware subscribes to the server's upgrade event on the first HTTP request through it; the server.on line carries a socket that comes first. Two middlewares with ws: true would both take the socket and garble its frames."

/**
 * An app's `ws` server on the HTTP server Vite's socket shares, routed by subprotocol so that Vite's
 * handshake and ping are left to Vite's own listener, and every other upgrade goes to the app as before.
 */
export function routeAppSocketsBlock(configKey: string): ConfigBlock {
  return {
    where: `your server script, in place of new WebSocketServer({ server }), with server the HTTP server you give Vite as server.${configKey}.server`,
    text: [
      'const wss = new WebSocketServer({ noServer: true })',
      "server.on('upgrade', (req, socket, head) => {",
      "  const protocol = req.headers['sec-websocket-protocol']",
      `  if (${VITE_PROTOCOLS.map((name) => `protocol === '${name}'`).join(' || ')}) return`,
      "  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))",
      '})',
    ].join('\n'),
  }
}

/**
 * For a handshake a Node proxy on undici flattened: what undici's marks say, and the option of the proxy
 * that sends through it that carries WebSockets. Which proxy it is, only the server's source says.
 */
export function undiciUpgradeFix(): { notes: string[]; blocks: ConfigBlock[] } {
  return {
    notes: [
      'A Node proxy forwarded it: its header names in lowercase and its Connection: keep-alive are how undici writes a request. @fastify/http-proxy sends through undici, and carries WebSockets only with websocket: true.',
    ],
    blocks: [
      {
        where:
          '@fastify/http-proxy, in the options you register it with (another Node proxy: its own WebSocket option)',
        text: 'websocket: true,',
      },
    ],
  }
}

/**
 * For Express's own 404 at Vite's HMR path: http-proxy-middleware's pathFilter is the usual list that leaves a
 * path to Express. The path is Vite's own, never the page's word.
 */
export function pathFilterFix(hmrPath: string): { notes: string[]; blocks: ConfigBlock[] } {
  return {
    notes: [
      'If your server proxies to Vite with http-proxy-middleware (ws: true in the same options), add the path to its pathFilter list.',
    ],
    blocks: [
      {
        where: 'http-proxy-middleware, in the pathFilter list you pass to createProxyMiddleware({ … })',
        text: `${jsString(hmrPath)},`,
      },
    ],
  }
}
