import type { Evidence, ProxyKind, RequestSnapshot, SocketRecord } from '../evidence/evidence-types.js'
import type { ViteFacts } from '../vite/vite-facts.js'

/** Whether Vite's direct fallback socket (browser straight to Vite's port) saved HMR. */
export type FallbackState = 'works' | 'fails' | 'unknown'

/** The WebSocket hop-by-hop headers a proxy can lose on the way to Vite. */
export type HopHeader = 'Upgrade' | 'Connection'

type FindingBody =
  /** The proxy forwarded the HMR handshake without its `Upgrade` and/or `Connection: upgrade`. */
  | {
      cause: 'upgrade-stripped'
      proxy: ProxyKind
      handshake: RequestSnapshot
      /** Which of the headers that make a request an upgrade did not arrive as a browser sends them. */
      lost: HopHeader[]
      /** It landed on Vite's own server for the socket (a separate port), which answered `426 Upgrade Required`. */
      hmrServer: boolean
      pageOrigin: string | null
      fallback: FallbackState
      /**
       * The proxy's upstream as its Host header spells it (a bare `proxy_pass` sends `$proxy_host`), only
       * when the handshake carried this server's token and the Host fits an upstream's grammar; otherwise
       * null, and the fix names the address Vite listens on.
       */
      upstream: string | null
      /** A Host that could name the upstream but only the request vouches for it: described, never printed. */
      seenUpstream?: string
      /** The page's hostname, only when a page that loaded this server's client vouches for it. */
      pageHostname: string | null
    }
  /**
   * The socket's URL is answered by something other than Vite with an error of its own (a proxy's 404,
   * 502, 504): the browser asked it over plain HTTP, and no handshake from the page reached Vite.
   */
  | {
      cause: 'proxy-error'
      proxy: ProxyKind
      status: number
      /** The `Server` header it answered with, as seen. */
      server: string | null
      socketUrl: string
      /** The path the socket dials, which the proxy answers itself. */
      path: string
      pageOrigin: string
      fallback: FallbackState
      /** The 404 was Express's own page (finalhandler's, with X-Powered-By: Express): no middleware took the path. */
      express?: true
    }
  /**
   * Vite served a page, but Vite's client never ran in it: the page asked for it somewhere the proxy
   * doesn't send to Vite (a prefix-stripping location with `base: '/'`, a blocked script).
   */
  | {
      cause: 'client-unreached'
      /** The page as the browser addressed it. */
      pageUrl: string
      /** Where the page asked for Vite's client: the URL Vite wrote into it, resolved against the page. */
      clientSrc: string
      /** The path the page's own report arrived under at Vite: the page's path as the proxy forwards it. */
      arrivedPath: string
      /**
       * The prefix the proxy strips, when the page's path and the path its report arrived under show one
       * (`/app/` in the browser, `/` at Vite: `/app/`); null when they don't.
       */
      strippedPrefix: string | null
      /** As for upgrade-stripped: the vouched-for Host as upstream, or null for Vite's own address. */
      upstream: string | null
      /** A Host that could name the upstream but only the request vouches for it: described, never printed. */
      seenUpstream?: string
      /** The proxy the page's report came through. */
      proxy: ProxyKind
      /**
       * The developer typed the page's URL (the CLI): the prefix and the proxy are theirs, and get a fix.
       * Absent, only a report any page can send says so: described, never put into a block.
       */
      confirmed?: true
    }
  /** The browser dialled an HMR socket (or loaded the client) and no handshake of any kind reached Vite. */
  | {
      cause: 'socket-never-arrived'
      pageOrigin: string | null
      /** The URL the browser dialled, when the client snippet could report it. */
      socketUrl: string | null
      fallback: FallbackState
      /** The proxy that held the socket without an answer, when it is the one that carried the report. */
      proxy?: ProxyKind
      /** The failed socket as the page reported it: what the browser was told, and what answered its URL. */
      failed?: SocketRecord
    }

  /** The page's Content-Security-Policy refused the socket: the browser never dialled it. */
  | {
      cause: 'policy-refused'
      pageOrigin: string
      socketUrl: string
      /** The directive that refused it, and the policy it belongs to, as the browser's event said. */
      directive: string
      policy: string
      /** The source that lets the socket through: `'self'` for the page's own host and port, else its origin. */
      source: string
      /** The directive's sources in that policy (connect-src, else default-src), or null when it has neither. */
      sources: string[] | null
    }

  /**
   * The page's socket hangs while Vite answered its handshake 101 and the connection was cut right after:
   * the hop in front forwarded the upgrade as a plain request and never relayed the answer.
   */
  | {
      cause: 'upgrade-unrelayed'
      pageOrigin: string
      socketUrl: string
      /** How long the page's socket had been connecting when the page called it hanging. */
      hangingAfterMs: number
      /**
       * The handshake as it reached Vite, which answered it, and how soon after Vite's 101 the hop cut the
       * connection; null from the CLI, which sees the hop from outside.
       */
      handshake: RequestSnapshot | null
      cutAfterMs: number | null
      /**
       * Its header names were all lowercase, as Node's HTTP client sends them: a Node proxy forwarded it. From
       * the CLI: the hop's answers said X-Powered-By: Express.
       */
      nodeClient: boolean
      /** The CLI's view: the hop answered the socket's URL with Vite's page, and Vite dialled straight opened it. */
      dialledAtVite?: true
      /** The socket is Vite's restart probe (`vite-ping`), which the page waits on before it reloads. */
      ping?: true
    }

  /**
   * The page's socket hangs and no handshake from it reached Vite, while its URL answers plain HTTP with
   * Vite's page and the page's origin serves another Vite's client: Vite's own `server.proxy` carries this
   * Vite's pages under `prefix` but not its socket (no `ws: true`).
   */
  | {
      cause: 'vite-proxy-unrelayed'
      pageOrigin: string
      socketUrl: string
      hangingAfterMs: number
      /** This Vite's base without its trailing slash: the path the front's proxy entry covers. */
      prefix: string
    }

  /**
   * The page's socket hangs while its handshake reached Vite without `vite-hmr` in
   * `Sec-WebSocket-Protocol`: a hop removed or replaced the header, and Vite's listener leaves it unanswered.
   */
  | {
      cause: 'subprotocol-stripped'
      proxy: ProxyKind
      pageOrigin: string
      socketUrl: string
      hangingAfterMs: number
      /** The handshake as it reached Vite: its `wsProtocol` is what the hop left of the header. */
      handshake: RequestSnapshot
    }

  /**
   * Vite answered the page's handshake 101 on a server where the `ws` package's `new WebSocketServer({
   * server })` (an app's own) answers the same handshake too.
   */
  | {
      cause: 'upgrade-contested'
      handshake: RequestSnapshot
      /** The `upgrade` listeners on that server besides Vite's and the doctor's. */
      otherListeners: number
    }

  /** The proxy closes the opened socket after a steady idle time; Vite's client reloads the page each time. */
  | {
      cause: 'idle-timeout'
      proxy: ProxyKind
      pageOrigin: string
      /** The proxy's timeout: the middle of the steady closes' idle times, as the whole second it is set in. */
      timeoutMs: number
      /** The shortest and longest idle time of the steady closes, as the page measured them. */
      idleRangeMs: readonly [number, number]
      /** The steady closes among the latest: a stray reading is no part of the loop. */
      closes: number
      /** From the first of these sockets opening to the last close. */
      spanMs: number
      code: number
      /** How many of these closes Vite saw from its side too. */
      seenByVite: number
      /** As for upgrade-stripped: the Host of the page's socket as upstream, or null for Vite's own address. */
      upstream: string | null
      /** A Host that could name the upstream but only the request vouches for it: described, never printed. */
      seenUpstream?: string
    }

  /** Vite's host check refuses the Host the proxy sends: 403 for pages, a silent 400 for the handshake. */
  | {
      cause: 'host-rejected'
      /** `upstream`: refused page requests whose Host is the name and port the proxy dialled Vite by. */
      via: 'page' | 'handshake' | 'upstream'
      request: RequestSnapshot
      hostname: string
      /**
       * A handshake with this server's token vouches for its Host; a refused page request can't (Vite
       * served nothing to prove it), so its name is reported, never put into a fix.
       */
      verified: boolean
    }
  /** The proxy rewrites the request URI: the query (with the token) or the `base` prefix is lost. */
  | {
      cause: 'uri-rewritten'
      what: 'query' | 'prefix'
      request: RequestSnapshot
      /** How many page requests looped through Vite's redirect into `base`. */
      redirects: number
      /** As for upgrade-stripped: the vouched-for Host as upstream, or null for Vite's own address. */
      upstream: string | null
      /** A Host that could name the upstream but only the request vouches for it: described, never printed. */
      seenUpstream?: string
    }
  /**
   * The browser dials the socket somewhere other than the origin it loaded Vite's client from (the page's,
   * unless a backend rendered it), and it fails (or works only there).
   */
  | {
      cause: 'socket-misdirected'
      clientOrigin: string
      socketUrl: string
      /** The named socket opened after all (straight to Vite, bypassing the proxy). */
      opened: boolean
      /** Why the browser's socket failed, when it said (a blocked constructor), or null. */
      error: string | null
      /**
       * The HMR settings that point the browser at the page's origin instead, or null when the page's
       * hostname is not one a config can hold (it is then described, not suggested).
       */
      settings: SocketSettings | null
      /**
       * The settings come from a page's report alone (its origin), which anyone who can load a page can
       * send: described, never printed. A CLI run (the developer typed the URL) or Vite's own view of an
       * opened socket vouches for them.
       */
      unconfirmed?: true
      /**
       * A host the settings would point the browser at that only the report names (a public name, another
       * machine's address): the browser would fetch code from it, which the description says.
       */
      unconfirmedHost?: string
      fallback: FallbackState
    }

  /**
   * Middleware mode with Vite's own socket server (no `ws.server`): the browser dials its port past the
   * proxy that carries the app, and fails there (or works only because it reaches that port directly).
   */
  | {
      cause: 'socket-port-unproxied'
      clientOrigin: string
      socketUrl: string
      opened: boolean
      /** The port of Vite's own socket server. */
      port: number
    }

export interface SocketSettings {
  protocol?: 'ws' | 'wss'
  host?: string
  clientPort?: number
  port?: number
}

/**
 * A verdict, and until when later evidence (Vite's direct fallback, the browser's report) could still change
 * it. The doctor shows a finding only once that moment has passed: the wait is counted from the evidence,
 * so later requests never extend it.
 */
export type Finding = FindingBody & { pendingUntil?: number }

export type Cause = Finding['cause']

export interface DiagnoseContext {
  facts: ViteFacts
  /** How long a loaded client may go without a socket before that counts as evidence. */
  socketGraceMs: number
  /** Closes before this server started are its predecessor's shutdown (a restart), not the proxy. */
  serverStartedAt: number
}

/** One cause's test over the evidence: a finding, or null when the evidence doesn't show it. */
export type Rule = (evidence: Evidence, context: DiagnoseContext) => Finding | null
