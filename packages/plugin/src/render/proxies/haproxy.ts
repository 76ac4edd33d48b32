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
  routeSocket: () => null,
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
