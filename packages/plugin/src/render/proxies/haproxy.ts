import { configPathArgument } from '../../safe/quote.js'
import {
  type ProxyFix,
  type ProxySyntax,
  SKIP_NOTE,
  TUNNEL_TIMEOUT,
  type UriPart,
  VITE_PROTOCOLS,
} from './proxy-syntax.js'

/** Vite's socket, as an anonymous ACL: `-m str` with several values matches any of them. */
const VITE_SOCKET = `{ req.hdr(sec-websocket-protocol) -m str ${VITE_PROTOCOLS.join(' ')} }`

/**
 * A rewrite of the query or of the socket's path is an http-request rule written any of many ways; the
 * condition appended to it, in each form HAProxy takes, keeps Vite's socket out of it.
 */
function skipSocket(what: Exclude<UriPart, 'prefix'>): ProxyFix {
  const rule = `the http-request rule that rewrites the socket's ${what === 'query' ? 'query (set-uri, set-query)' : 'path (set-path, replace-path, set-uri)'}`
  return {
    blocks: [
      { where: `HAProxy, appended to ${rule}, where it has no condition`, text: `unless ${VITE_SOCKET}` },
      { where: 'HAProxy, or where that rule ends in an if condition, appended to it', text: `!${VITE_SOCKET}` },
    ],
    notes: [`Where the rule ends in an unless condition, append || ${VITE_SOCKET} to it instead. ${SKIP_NOTE}`],
    forwardsHost: false,
  }
}

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
  /**
   * HAProxy forwards the path as it gets it: a stripped prefix is an http-request rule, printed in the form
   * HAProxy's manual gives for it. Only a prefix with no regex metacharacter, so the rule is the prefix.
   */
  keepUri({ what, prefix }) {
    if (what !== 'prefix') return skipSocket(what)
    if (!/^\/[A-Za-z0-9/_~-]*$/.test(prefix)) return null
    return {
      blocks: [
        {
          where: `HAProxy, removing this rule (or the set-path or replace-path that strips ${prefix}, however written) from the frontend or backend that proxies Vite`,
          text: `http-request replace-path ${prefix}(.*) /\\1`,
        },
      ],
      notes: [`HAProxy forwards the path as it gets it; without the rule, ${prefix} reaches Vite.`],
      forwardsHost: false,
    }
  },
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
  forwardHost() {
    return null
  },
}
