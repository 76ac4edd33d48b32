import type { Evidence, ProxyKind, RequestSnapshot } from '../evidence/types.js'
import type { ViteFacts } from '../vite-facts.js'

/** Whether Vite's direct fallback socket (browser straight to Vite's port) saved HMR. */
export type FallbackState = 'works' | 'fails' | 'unknown'

export type Finding =
  /** The proxy forwarded the HMR handshake without its `Upgrade`/`Connection` headers. */
  | {
      cause: 'upgrade-stripped'
      proxy: ProxyKind
      handshake: RequestSnapshot
      pageOrigin: string | null
      fallback: FallbackState
    }
  /** The browser dialled an HMR socket (or loaded the client) and no handshake of any kind reached Vite. */
  | {
      cause: 'socket-never-arrived'
      pageOrigin: string | null
      /** The URL the browser dialled, when the client snippet could report it. */
      socketUrl: string | null
      fallback: FallbackState
    }

  /** The proxy closes the opened socket after a steady idle time; Vite's client reloads the page each time. */
  | {
      cause: 'idle-timeout'
      proxy: ProxyKind
      pageOrigin: string
      /** The idle time at which the sockets closed (the median of the steady closes). */
      idleMs: number
      closes: number
      /** From the first of these sockets opening to the last close. */
      spanMs: number
      code: number
      /** The interval at which the doctor pings clients now, or null when it doesn't. */
      keepaliveMs: number | null
      /** How many of these closes Vite saw from its side too. */
      seenByVite: number
    }

  /** Vite's host check refuses the Host the proxy sends: 403 for pages, a silent 400 for the handshake. */
  | {
      cause: 'host-rejected'
      via: 'page' | 'handshake'
      request: RequestSnapshot
      hostname: string
    }
  /** The proxy rewrites the request URI: the query (with the token) or the `base` prefix is lost. */
  | {
      cause: 'uri-rewritten'
      what: 'query' | 'prefix'
      request: RequestSnapshot
      /** How many page requests looped through Vite's redirect into `base`. */
      redirects: number
    }
  /** The browser dials the socket somewhere other than the page's origin, and it fails (or works only there). */
  | {
      cause: 'socket-misdirected'
      pageOrigin: string
      socketUrl: string
      /** The named socket opened after all (straight to Vite, bypassing the proxy). */
      opened: boolean
      /** Why the browser's socket failed, when it said (a blocked constructor), or null. */
      error: string | null
      /** The HMR settings that point the browser at the page's origin instead. */
      settings: { protocol?: 'ws' | 'wss'; host?: string; clientPort?: number; port?: number }
      fallback: FallbackState
    }

export type Cause = Finding['cause']

export interface DiagnoseContext {
  facts: ViteFacts
  /** How long a loaded client may go without a socket before that counts as evidence. */
  socketGraceMs: number
  /** Closes before this server started are its predecessor's shutdown (a restart), not the proxy. */
  serverStartedAt: number
  /** The doctor's keepalive interval in force, or null. */
  keepaliveMs: number | null
}

/** One cause's test over the evidence: a finding, or null when the evidence doesn't show it. */
export type Rule = (evidence: Evidence, context: DiagnoseContext) => Finding | null
