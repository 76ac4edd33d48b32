import type { ConfigBlock } from './types.js'

/**
 * Apache's `ProxyPass` forwards a WebSocket upgrade only when told to: `upgrade=websocket` (Apache 2.4.47+,
 * handled by mod_proxy_http itself). The trailing slashes follow `base`, as in the usual `ProxyPass / …/`.
 */
export function apacheUpgradeFix(base: string, upstream: string): ConfigBlock {
  return {
    where: `Apache, in the <VirtualHost> that proxies Vite, replacing its ProxyPass for ${base}`,
    text: `ProxyPass ${base} http://${upstream}${base} upgrade=websocket`,
  }
}
