import { configPathArgument } from './quote.js'
import type { ConfigBlock } from './types.js'

/**
 * Apache's `ProxyPass` forwards a WebSocket upgrade only when told to: `upgrade=websocket` (Apache 2.4.47+,
 * handled by mod_proxy_http itself). The trailing slashes follow `base`, as in the usual `ProxyPass / …/`.
 * Null when `base` can't stand bare in both the path and the URL.
 */
export function apacheUpgradeFix(base: string, upstream: string): ConfigBlock | null {
  if (configPathArgument(base) !== base) return null
  return {
    where: `Apache, in the <VirtualHost> that proxies Vite, replacing its ProxyPass for ${base}`,
    text: `ProxyPass ${base} http://${upstream}${base} upgrade=websocket`,
  }
}
