import type { ProxyKind, RequestSnapshot } from '../evidence/types.js'

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
    }

export type Cause = Finding['cause']
