import { configPathArgument } from '../../safe/quote.js'
import type { ConfigBlock } from '../rendered-types.js'
import {
  type ProxyFix,
  type ProxySyntax,
  SKIP_NOTE,
  TUNNEL_TIMEOUT,
  type UriPart,
  VITE_PROTOCOLS,
} from './proxy-syntax.js'

/**
 * Caddy ends every proxied stream on a config reload: each open page loses its HMR socket and reloads.
 * Caddy 2.7 added `stream_close_delay` against that; Debian 12's Caddy (2.6) refuses the line, so it is
 * said, not printed.
 */
const RELOAD_NOTE =
  'A caddy reload closes every open HMR socket, so each open page reloads once; from Caddy 2.7, stream_close_delay in the reverse_proxy keeps them open across reloads.'

function fix(block: ConfigBlock, note: string): ProxyFix {
  return { blocks: [block], notes: [note, RELOAD_NOTE], forwardsHost: false }
}

/**
 * A named matcher for every request but Vite's socket, given to the `rewrite` or `uri` that changes it.
 * Caddy 2.6's header matcher takes one value a line; `not` lines are all required.
 */
function skipSocket(what: Exclude<UriPart, 'prefix'>): ProxyFix {
  const not = VITE_PROTOCOLS.map((protocol) => `    not header Sec-WebSocket-Protocol ${protocol}`)
  return fix(
    {
      where: `Caddy, in the site block that proxies Vite, above the rewrite (or uri) that changes the socket's ${what}`,
      text: `@not_vite_hmr {\n${not.join('\n')}\n}`,
    },
    `Give @not_vite_hmr to that rewrite or uri as its matcher, in place of its * if it has one (rewrite @not_vite_hmr …); one with a path matcher (rewrite /x …) moves it into @not_vite_hmr as a path /x line; one with a named matcher of its own gets the not header lines in that matcher instead. ${SKIP_NOTE}`,
  )
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
    if (what !== 'prefix') return skipSocket(what)
    // `handle_path` strips its prefix before reverse_proxy sees the request; `handle` keeps it. Only a
    // path that stands bare: Caddyfile quoting of matchers has no test here.
    const path = `${prefix}*`
    if (configPathArgument(prefix) !== prefix) return null
    return fix(
      {
        where: `Caddy, replacing the handle_path ${path} line of the block that proxies Vite`,
        text: `handle ${path} {`,
      },
      `handle_path strips ${prefix} before reverse_proxy forwards the request; handle keeps it.`,
    )
  },
  /**
   * A named matcher for the socket's handshake alone (its path and upgrade headers), so the page's own
   * routes stay as they are. Caddy orders a `handle` with a named matcher after those with a path matcher
   * and before a bare `handle`: any existing route for the path has to go.
   */
  routeSocket({ facts, upstream }) {
    const path = facts.hmrPath
    if (configPathArgument(path) !== path) return null
    return {
      blocks: [
        {
          where: `Caddy, in the site block that proxies Vite, replacing any route it has for ${path}`,
          text: `@vite_hmr {
    path ${path}
    header Connection *Upgrade*
    header Upgrade websocket
}
handle @vite_hmr {
    reverse_proxy ${upstream}
}`,
        },
      ],
      notes: [RELOAD_NOTE],
      forwardsHost: true,
    }
  },
  /**
   * Of Caddy's timeouts only the transport's read_timeout closes an upgraded connection, once the socket
   * has been idle that long (measured on Caddy 2.6; the server's idle/read/write timeouts leave it open).
   */
  keepIdleSocket() {
    return fix(
      {
        where:
          'Caddy, in the transport http {} block of the reverse_proxy that proxies Vite, replacing its read_timeout',
        text: `read_timeout ${TUNNEL_TIMEOUT}`,
      },
      "read_timeout is how long Caddy waits for the next read from Vite, an idle HMR socket's included; without one Caddy keeps it open.",
    )
  },
  forwardHost() {
    return null
  },
}
