import { configPathArgument } from '../quote.js'
import type { ConfigBlock } from '../types.js'
import { type ProxySyntax, TUNNEL_TIMEOUT } from './types.js'

const CONNECTION_UPGRADE_MAP = `map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}`

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
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;
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
}
