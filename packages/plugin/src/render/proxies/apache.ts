import { configPathArgument } from '../../safe/quote.js'
import type { ConfigBlock } from '../rendered-types.js'
import {
  type FixInput,
  type ProxyFix,
  type ProxySyntax,
  SKIP_NOTE,
  TUNNEL_TIMEOUT_S,
  type UriPart,
  VITE_PROTOCOLS,
} from './proxy-syntax.js'

const VERSION_NOTE =
  "upgrade=websocket needs Apache 2.4.47 or later (Debian 12's is newer); older ones carry sockets only through mod_proxy_wstunnel and a ws:// ProxyPass or RewriteRule."

// Apache 2.4.47 and later proxy a ws:// target through mod_proxy_http (measured: Debian's, without
// mod_proxy_wstunnel); older ones need that module for it.
const WS_RULE_NOTE = 'Before Apache 2.4.47, a ws:// RewriteRule also needs mod_proxy_wstunnel (a2enmod proxy_wstunnel).'

/**
 * `ProxyPass … upgrade=websocket` where people write it: at VirtualHost level with the path, or inside a
 * `<Location>` without one (AH00526). Null when `base` can't stand bare.
 */
function proxyPass(upstream: string, base: string, parameters = ''): ConfigBlock[] | null {
  if (configPathArgument(base) !== base) return null
  const target = `http://${upstream}${base} upgrade=websocket${parameters}`
  return [
    {
      where: `Apache, in the <VirtualHost> that proxies Vite, replacing its ProxyPass for ${base}`,
      text: `ProxyPass ${base} ${target}`,
    },
    {
      where: `Apache, or where that ProxyPass is inside <Location ${base}>, replacing it there (no path inside <Location>)`,
      text: `ProxyPass ${target}`,
    },
    {
      where: `Apache, or where it is inside a regex <Location ~ …> or <LocationMatch>, replacing it there (no path, no trailing slash)`,
      text: `ProxyPass http://${upstream} upgrade=websocket${parameters}`,
    },
  ]
}

/**
 * A `RewriteRule … [P]` inside a `<Location>` that also has a `ProxyPass` rewrites the URL that ProxyPass
 * already mapped (`proxy:http://host:port/…`): the handshake reaches Vite at `//host:port/…`, which Vite
 * never answers (measured: Apache's 502 after 60 s). `%{REQUEST_URI}` is the path the browser asked for in
 * any context, `<Location>` (prefix or regex) or VirtualHost, and [P] keeps the query.
 */
function locationRewrite(upstream: string, arrivedPath: string | null): ProxyFix | null {
  if (arrivedPath === null || !arrivedPath.startsWith(`//${upstream}/`)) return null
  return {
    blocks: [
      {
        where: 'Apache, replacing the RewriteRule … ws://… [P,L] that proxies the socket (keep its RewriteCond)',
        text: `RewriteRule ^ ws://${upstream}%{REQUEST_URI} [P,L]`,
      },
    ],
    notes: [
      `There the RewriteRule rewrites the proxy:http://… URL that ProxyPass already made. %{REQUEST_URI} is the path the browser asked for wherever the rule sits.`,
      WS_RULE_NOTE,
    ],
    forwardsHost: false,
    summary: `Apache's RewriteRule … [P] for the socket sits inside a <Location> with a ProxyPass: the two send the HMR handshake to ${arrivedPath}, which Vite never answers (Apache answers 502 after its timeout).`,
  }
}

/**
 * A rewrite of the query or of the socket's path can be written too many ways to take out: a rule of
 * Vite's socket's own, above it in the same context, proxies the socket first ([P] ends the round). Its
 * target without `?` keeps the query, and %{REQUEST_URI} is the browser's path in any context.
 */
function socketRule(upstream: string, what: Exclude<UriPart, 'prefix'>): ProxyFix {
  const rule = what === 'query' ? 'drops the query (its target ends in ?, or it has QSD)' : "rewrites the socket's path"
  return {
    blocks: [
      {
        where: `Apache, just above the RewriteRule that ${rule} and above its RewriteCond lines, in the same <VirtualHost> or <Location>`,
        text: `RewriteCond %{HTTP:Sec-WebSocket-Protocol} ^(${VITE_PROTOCOLS.join('|')})$\nRewriteRule ^ ws://${upstream}%{REQUEST_URI} [P,L]`,
      },
    ],
    notes: [SKIP_NOTE, WS_RULE_NOTE],
    forwardsHost: false,
  }
}

/**
 * A `<Location>` for the socket's path alone, with its own path-less ProxyPass: mod_proxy tries the
 * ProxyPass of a `<Location>` before those at VirtualHost level, and a later `<Location>` overrides an
 * earlier, wider one, so it pastes into either layout. Null when the socket's path is base itself (the
 * block would then route the whole site) or can't stand bare.
 */
function socketLocation({ facts, upstream }: FixInput): ProxyFix | null {
  const path = facts.hmrPath
  if (path === facts.base || configPathArgument(path) !== path) return null
  return {
    blocks: [
      {
        where: `Apache, in the <VirtualHost> that proxies Vite, after its other <Location> sections, replacing any ProxyPass it has for ${path}`,
        text: `<Location ${path}>\n    ProxyPass http://${upstream}${path} upgrade=websocket\n</Location>`,
      },
    ],
    notes: [VERSION_NOTE],
    forwardsHost: false,
  }
}

export const apache: ProxySyntax = {
  name: 'Apache',
  reload: 'apachectl graceful',
  passUpgrade({ upstream, facts, socketServer }) {
    // A ProxyPass for base sends the whole site where it points: a separate socket server gets a
    // <Location> of the socket's own path.
    if (socketServer) return socketLocation({ facts, upstream })
    const blocks = proxyPass(upstream, facts.base)
    return blocks && { blocks, notes: [VERSION_NOTE], forwardsHost: false }
  },
  keepUri(input) {
    if (input.what === 'path')
      return locationRewrite(input.upstream, input.arrivedPath) ?? socketRule(input.upstream, input.what)
    if (input.what === 'query') return socketRule(input.upstream, input.what)
    // A ProxyPass whose two sides differ (`/app/ http://vite/`) strips the prefix; the same path on both
    // sides keeps it. The printed line keeps carrying the socket, so pasting it never breaks HMR.
    const blocks = input.what === 'prefix' ? proxyPass(input.upstream, input.prefix) : null
    return blocks && { blocks, notes: [VERSION_NOTE], forwardsHost: false }
  },
  routeSocket: socketLocation,
  keepIdleSocket({ facts, upstream }) {
    // An upgraded connection's idle time is the worker's `timeout=` (else ProxyTimeout, else Timeout: 60 s);
    // set on the ProxyPass, it leaves every other request's timeouts as they are. A separate socket server
    // has a route of its own, not the ProxyPass for base.
    const blocks =
      upstream === null || facts.hmrServerPort !== null
        ? null
        : proxyPass(upstream, facts.base, ` timeout=${TUNNEL_TIMEOUT_S}`)
    return (
      blocks && {
        blocks,
        notes: [`timeout= on the ProxyPass is how long Apache keeps an idle upgraded connection. ${VERSION_NOTE}`],
        forwardsHost: false,
      }
    )
  },
  forwardHost() {
    return null
  },
}
