import { configPathArgument } from './quote.js'
import type { ConfigBlock } from './types.js'

const CONNECTION_UPGRADE_MAP = `map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}`

/**
 * The nginx lines that carry the HMR handshake to Vite as an upgrade. The `location` matches the HMR path
 * exactly, so it pastes next to an existing `location /` without a duplicate-location error. Null when the
 * path can't be written as an nginx argument.
 */
export function nginxUpgradeFix(hmrPath: string, upstream: string): ConfigBlock[] | null {
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

/** Long enough for any ping interval a browser keeps, even a background tab's throttled one. */
export const TUNNEL_TIMEOUT = '1h'

/** The nginx lines that keep an idle HMR socket open; they replace shorter ones in the same block. */
export function nginxIdleTimeoutFix(): ConfigBlock {
  return {
    where:
      "nginx, in the location {} that proxies Vite's HMR socket, replacing any proxy_read_timeout or proxy_send_timeout there",
    text: `proxy_read_timeout ${TUNNEL_TIMEOUT};\nproxy_send_timeout ${TUNNEL_TIMEOUT};`,
  }
}

/** A `proxy_pass` without a URI part: nginx then forwards the request URI untouched, query and prefix included. */
export function nginxPassUriFix(upstream: string): ConfigBlock {
  return {
    where: 'nginx, in the location {} that proxies Vite, replacing its proxy_pass',
    text: `proxy_pass http://${upstream};`,
  }
}
