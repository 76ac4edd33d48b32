import type { ConfigBlock } from './types.js'

const CONNECTION_UPGRADE_MAP = `map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}`

/**
 * The nginx lines that carry the HMR handshake to Vite as an upgrade. The `location` matches the HMR path
 * exactly, so it pastes next to an existing `location /` without a duplicate-location error.
 */
export function nginxUpgradeFix(hmrPath: string, upstream: string): ConfigBlock[] {
  const location = `location = ${hmrPath} {
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
