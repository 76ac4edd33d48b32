import { configPathArgument } from '../../safe/quote.js'
import type { ConfigBlock } from '../rendered-types.js'
import { type ProxySyntax, TUNNEL_TIMEOUT } from './proxy-syntax.js'

const CONNECTION_UPGRADE_MAP = `map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}`

const UPGRADE_LINES = `proxy_http_version 1.1;
proxy_set_header Upgrade $http_upgrade;
proxy_set_header Connection $connection_upgrade;`

/**
 * The lines that carry the HMR handshake to Vite as an upgrade. The `location` matches the HMR path exactly,
 * so it pastes next to an existing `location /` without a duplicate-location error. Null when the path can't
 * be written as an nginx argument.
 */
function upgradeLocation(hmrPath: string, upstream: string): ConfigBlock[] | null {
  const path = configPathArgument(hmrPath)
  if (path === null) return null
  const location = `location = ${path} {
    proxy_pass http://${upstream};
${UPGRADE_LINES.replace(/^/gm, '    ')}
    proxy_set_header Host $host;
}`
  return [
    { where: 'nginx, inside http {}', text: CONNECTION_UPGRADE_MAP },
    { where: 'nginx, inside the server {} that proxies Vite', text: location },
  ]
}

export const nginx: ProxySyntax = {
  name: 'nginx',
  reload: 'nginx -s reload',
  passUpgrade({ facts, upstream }) {
    const blocks = upgradeLocation(facts.hmrPath, upstream)
    return blocks && { blocks, notes: [], forwardsHost: true }
  },
  keepUri({ upstream }) {
    return {
      blocks: [
        {
          where: 'nginx, in the location {} that proxies Vite, replacing its proxy_pass',
          text: `proxy_pass http://${upstream};`,
        },
      ],
      notes: ['A proxy_pass without a path forwards the URI as the browser sent it, prefix and query included.'],
      forwardsHost: false,
    }
  },
  routeSocket({ facts, upstream }) {
    const blocks = upgradeLocation(facts.hmrPath, upstream)
    return blocks && { blocks, notes: [], forwardsHost: true }
  },
  keepIdleSocket() {
    return {
      blocks: [
        {
          where:
            "nginx, in the location {} that proxies Vite's HMR socket, replacing any proxy_read_timeout or proxy_send_timeout there",
          text: `proxy_read_timeout ${TUNNEL_TIMEOUT};\nproxy_send_timeout ${TUNNEL_TIMEOUT};`,
        },
      ],
      notes: [],
      forwardsHost: false,
    }
  },
  forwardHost({ upgrade }) {
    const host = 'proxy_set_header Host $host;'
    return {
      blocks: [
        ...(upgrade ? [{ where: 'nginx, inside http {}', text: CONNECTION_UPGRADE_MAP }] : []),
        {
          where: 'nginx, in every location {} that proxies Vite, replacing any line there that sets the same',
          text: upgrade ? `${UPGRADE_LINES}\n${host}` : host,
        },
      ],
      notes: [
        "nginx sends its upstream's name as Host unless proxy_set_header Host says otherwise. Every location {} that proxies Vite needs this, not only the one for /: a location without it still sends the upstream's name, and Vite refuses what it serves there (/@vite/client, every module).",
        ...(upgrade
          ? [
              "The requests came over HTTP/1.0 with Connection: close, nginx's defaults, which also drop the WebSocket upgrade of Vite's HMR socket: the first three lines carry it.",
            ]
          : []),
      ],
      forwardsHost: true,
    }
  },
}
