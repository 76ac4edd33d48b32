import { TUNNEL_TIMEOUT } from './nginx.js'
import type { ConfigBlock } from './types.js'

/**
 * HAProxy applies `timeout client`/`timeout server` to an upgraded connection unless `timeout tunnel` is
 * set: the line that keeps an idle HMR socket open without loosening the timeouts of ordinary requests.
 */
export function haproxyTunnelTimeoutFix(): ConfigBlock {
  return {
    where: 'HAProxy, in the defaults section (or the backend that proxies Vite)',
    text: `timeout tunnel ${TUNNEL_TIMEOUT}`,
  }
}
