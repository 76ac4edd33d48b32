import { configPathArgument } from '../quote.js'
import type { ConfigBlock } from '../types.js'
import type { ProxyFix, ProxySyntax } from './types.js'

/**
 * Caddy ends every proxied stream on a config reload unless `stream_close_delay` is set: each open page
 * then loses its HMR socket and reloads. Printed beside every Caddy fix, since each one ends in a reload.
 */
const STREAM_CLOSE_DELAY: ConfigBlock = {
  where:
    'Caddy, optionally inside the same reverse_proxy (a caddy reload then leaves open HMR sockets alone instead of reloading every page)',
  text: 'stream_close_delay 5m',
}

function fix(block: ConfigBlock, note: string): ProxyFix {
  return { blocks: [block, STREAM_CLOSE_DELAY], notes: [note], forwardsHost: false }
}

export const caddy: ProxySyntax = {
  name: 'Caddy',
  reload: 'caddy reload',
  passUpgrade({ lost }) {
    // Caddy's reverse_proxy carries WebSockets by itself: what drops them is a header_up edit.
    return fix(
      {
        where: 'Caddy, removing these lines from the reverse_proxy that proxies Vite',
        text: lost.map((name) => `header_up -${name}`).join('\n'),
      },
      `Caddy carries WebSockets as they are; a header_up that deletes or sets ${lost.join(' or ')} flattens the handshake. Remove it however it is written.`,
    )
  },
  keepUri({ what, prefix }) {
    // `handle_path` strips its prefix before reverse_proxy sees the request; `handle` keeps it. Only a
    // path that stands bare: Caddyfile quoting of matchers has no test here.
    const path = `${prefix}*`
    if (what !== 'prefix' || configPathArgument(prefix) !== prefix) return null
    return fix(
      {
        where: `Caddy, replacing the handle_path ${path} line of the block that proxies Vite`,
        text: `handle ${path} {`,
      },
      `handle_path strips ${prefix} before reverse_proxy forwards the request; handle keeps it.`,
    )
  },
  routeSocket: () => null,
  keepIdleSocket: () => null,
}
