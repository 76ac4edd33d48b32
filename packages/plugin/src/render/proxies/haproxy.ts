import { configPathArgument } from '../quote.js'
import { type ProxySyntax, TUNNEL_TIMEOUT } from './types.js'

export const haproxy: ProxySyntax = {
  name: 'HAProxy',
  reload: 'systemctl reload haproxy',
  passUpgrade({ lost }) {
    // HAProxy carries WebSockets by itself (option http-server-close included): what drops them is a rule.
    return {
      blocks: [
        {
          where: 'HAProxy, removing these rules from the frontend or backend that proxies Vite',
          text: lost.map((name) => `http-request del-header ${name}`).join('\n'),
        },
      ],
      notes: [
        `HAProxy carries WebSockets as they are; an http-request rule that deletes or sets ${lost.join(' or ')} flattens the handshake. Remove it however it is written.`,
      ],
      forwardsHost: false,
    }
  },
  keepUri: () => null,
  /**
   * A backend of its own for the socket's handshake alone (its path and Upgrade header), so the page's
   * routes stay as they are. HAProxy takes the first use_backend that matches, hence its place.
   */
  routeSocket({ facts, upstream }) {
    const path = facts.hmrPath
    if (configPathArgument(path) !== path) return null
    return {
      blocks: [
        {
          where: `HAProxy, in the frontend that proxies Vite, above its other use_backend lines, replacing any it has for ${path}`,
          text: `use_backend vite_hmr if { path ${path} } { hdr(upgrade) -i websocket }`,
        },
        { where: 'HAProxy, a new section', text: `backend vite_hmr\n    server vite ${upstream}` },
      ],
      notes: [],
      forwardsHost: true,
    }
  },
  /**
   * HAProxy applies `timeout client`/`timeout server` to an upgraded connection unless `timeout tunnel` is
   * set: the line that keeps an idle HMR socket open without loosening the timeouts of ordinary requests.
   */
  keepIdleSocket() {
    return {
      blocks: [
        {
          where: 'HAProxy, in the defaults section (or the backend that proxies Vite)',
          text: `timeout tunnel ${TUNNEL_TIMEOUT}`,
        },
      ],
      notes: [],
      forwardsHost: false,
    }
  },
}
