import type { PolicyRefusal, ReportedSocket } from '../shared/protocol.js'

/**
 * A reverse proxy recognised by how it rewrites a request on its way to Vite: the four whose settings the
 * doctor prints (tested on the real binaries), and hosted hops recognised by the headers they add.
 */
export type ProxyKind =
  | 'nginx'
  | 'apache'
  | 'haproxy'
  | 'caddy'
  | 'traefik'
  | 'cloudflare'
  | 'aws-alb'
  | 'google-lb'
  | 'azure-front-door'
  /** A Node server proxying with undici (lowercase names, its own `connection: keep-alive`). */
  | 'node'
  | 'unknown'

/** One request as Vite received it, with every header value cleaned for printing. */
export interface RequestSnapshot {
  at: number
  method: string
  /** Pathname only: the query (which holds the token) is never kept. */
  path: string
  hasToken: boolean
  /** It carried this server's HMR token: it comes from a page that loaded this server's client. */
  vouched: boolean
  httpVersion: string
  host: string | null
  /**
   * Who vouches for `host` beyond the request itself: `local`, it names this machine (an own address, or a
   * name this machine resolves only to its own addresses); `developer`, the developer typed it (the CLI's
   * URL). Absent: only the request says so, and anyone holding the token can choose it.
   */
  hostSource?: 'local' | 'developer'
  origin: string | null
  connection: string | null
  upgrade: string | null
  wsProtocol: string | null
  proxy: ProxyKind
  /** The port the request arrived on: where Vite listens, even in middleware mode. */
  localPort: number | null
  /** `Sec-Fetch-Site`: whether the page loading this came from the same origin (trustworthy origins only). */
  fetchSite: string | null
  /** The origin of `Referer`: the page that asked for this. */
  refererOrigin: string | null
}

/** What the server side saw. */
export type ServerEvent =
  /** A WebSocket handshake (it carries `Sec-WebSocket-Key`) that reached Vite as a plain HTTP request. */
  | { kind: 'stripped-handshake'; request: RequestSnapshot }
  /**
   * An HMR socket Vite accepted. `nodeClient`: its handshake's header names were all lowercase, as Node's
   * HTTP client sends a copied `req.headers` (a Node proxy such as http-proxy forwarded it).
   * `otherUpgradeListeners`: `upgrade` listeners on its server besides Vite's and the doctor's;
   * `appWebSocketServer`: one is the `ws` package's `new WebSocketServer({ server })`.
   */
  | {
      kind: 'hmr-socket'
      request: RequestSnapshot
      nodeClient?: true
      otherUpgradeListeners?: number
      appWebSocketServer?: true
    }
  /** An accepted HMR socket that closed (`request.at` is when); 1006 means the connection was cut. */
  | { kind: 'hmr-socket-closed'; request: RequestSnapshot; openForMs: number; code: number }
  /**
   * A `vite-ping` (Vite's restart probe, token-less) that Vite answered 101, recorded when its connection
   * ended `openForMs` after it arrived; `nodeClient` as for `hmr-socket`.
   */
  | { kind: 'ping-answered'; request: RequestSnapshot; openForMs: number; nodeClient?: true }
  /** A browser loaded `/@vite/client` as a script. */
  | { kind: 'client-served'; request: RequestSnapshot }
  /** An HMR handshake that reached Vite as an upgrade (accepted or not: `hmr-socket` follows when accepted). */
  | { kind: 'handshake'; request: RequestSnapshot }
  /**
   * An upgrade that reached Vite's server without `vite-hmr`/`vite-ping` in `Sec-WebSocket-Protocol`: Vite's
   * listener leaves it alone, and unless another listener takes it, nobody answers.
   */
  | { kind: 'upgrade-ignored'; request: RequestSnapshot }
  /** A page request whose Host Vite's host check refuses (it answers 403 and logs nothing). */
  | { kind: 'host-blocked'; request: RequestSnapshot }
  /** A page request for `/` under a non-root `base` that Vite answered with a redirect into it: a stripping proxy loops. */
  | { kind: 'outside-base'; request: RequestSnapshot }

/** A socket record from the browser, once validated: the same shape the snippet sends. */
export type SocketRecord = ReportedSocket

/** An opened HMR socket that closed, each one followed by Vite's client reloading the page. */
export interface CloseRecord {
  /** When it closed, on the server's clock (the browser sends how long ago). */
  at: number
  openForMs: number
  /** Milliseconds since the last frame in either direction when it closed. */
  idleMs: number
  code: number
}

/** What the browser reported: sent only when an HMR socket failed, or the page is in a close-and-reload loop. */
export interface ClientReport {
  at: number
  /** `developer`: the developer typed the page's URL (the CLI). Absent: anyone holding the secret may have sent it. */
  pageSource?: 'developer'
  /** The page's origin, as the browser sees it (the report's own Origin header says the same). */
  pageOrigin: string
  /**
   * The origin the page loaded Vite's client from: the page's own, or Vite's (or its proxy's) on a page a
   * backend rendered. Null from a snippet that didn't say.
   */
  clientOrigin: string | null
  sockets: SocketRecord[]
  /** Recent closes of opened sockets, across the reloads they caused, oldest first. */
  closes: CloseRecord[]
  /**
   * The proxy the report itself came through to `clientOrigin`, by the marks it left on the request (the
   * secret vouches for the request); absent when none could be told.
   */
  proxy?: ProxyKind
  /**
   * The proxy the `Server` header of the page's route names (what answered the client's own URL), when it
   * names one: a proxy announces itself there even when its marks on the request are gone.
   */
  announced?: ProxyKind
  /** Socket URLs the page's Content-Security-Policy refused, as the browser's event said. */
  refusals?: PolicyRefusal[]
}

/** A page Vite served whose client never ran, as the page itself reported it (with the snippet's secret). */
export interface PageReport {
  at: number
  /** The page's URL as the browser addressed it (query and fragment dropped). */
  pageUrl: string
  /** The path this report arrived at Vite under: the page's own path as the proxy forwarded it. */
  arrivedPath: string
  /** The Host it arrived with (a bare proxy_pass sends its upstream): chosen by whoever sent the report. */
  host: string | null
  /** As for a request: `local` when `host` names this machine, `developer` when the developer typed the page's URL. */
  hostSource?: 'local' | 'developer'
  /** The proxy the report came through, by the marks it left on the request. */
  proxy: ProxyKind
  /** `developer`: the developer typed the page's URL (the CLI). Absent: anyone holding the secret may have sent it. */
  pageSource?: 'developer'
}

/** Everything observed recently, oldest first. */
export interface Evidence {
  now: number
  events: readonly ServerEvent[]
  reports: readonly ClientReport[]
  pages: readonly PageReport[]
}
