import type { HopHeader } from '../../diagnose/finding-types.js'
import { HMR_PROTOCOL, PING_PROTOCOL } from '../../shared/protocol.js'
import type { ViteFacts } from '../../vite/vite-facts.js'
import type { ConfigBlock } from '../rendered-types.js'

/** The lines one proxy needs for one fix, and what the user should know beside them. */
export interface ProxyFix {
  blocks: ConfigBlock[]
  notes: string[]
  /** The lines make the proxy send the browser's Host, which Vite's host check must then allow. */
  forwardsHost: boolean
  /** What is wrong, when this proxy's layout names it better than the cause's own sentence. */
  summary?: string
}

/** What every fix starts from: Vite's facts, and the upstream (a vouched-for one, or Vite's own address). */
export interface FixInput {
  facts: ViteFacts
  upstream: string
}

/**
 * One proxy's syntax: the fix pieces the causes need, each null where this proxy has no lines for it that a
 * test applies on the real binary (the cause then says in words what the proxy must do).
 */
export interface ProxySyntax {
  /** The proxy's name as a sentence uses it. */
  name: string
  /** The command that makes it read an edited config without dropping requests. */
  reload: string
  /**
   * Carry the HMR handshake to Vite as an upgrade, given which hop-by-hop headers it lost and whether it
   * was on its way to Vite's separate socket server (`socketServer`: the upstream is that server's port).
   */
  passUpgrade(input: FixInput & { lost: readonly HopHeader[]; socketServer: boolean }): ProxyFix | null
  /**
   * Forward the request URI as the browser sent it, whichever part the proxy changed: the query, the
   * `prefix` (the path Vite serves under) it stripped, or the socket's path it rewrote otherwise.
   * `arrivedPath` is where the handshake reached Vite, when it did.
   */
  keepUri(input: FixInput & { what: UriPart; prefix: string; arrivedPath: string | null }): ProxyFix | null
  /** Route the socket's path to where Vite listens (the proxy answered it with its own 404 or 502). */
  routeSocket(input: FixInput): ProxyFix | null
  /**
   * Keep an idle HMR socket open longer than any ping interval a browser keeps. `upstream` is null when
   * nothing vouched for one and Vite's own address isn't known.
   */
  keepIdleSocket(input: { facts: ViteFacts; upstream: string | null }): ProxyFix | null
  /**
   * Send the browser's Host to Vite on every request, where the proxy now sends the name it dials; with
   * `upgrade`, also carry WebSocket upgrades (the refused requests showed the proxy's defaults, which drop them).
   */
  forwardHost(input: { upgrade: boolean }): ProxyFix | null
}

export type UriPart = 'query' | 'prefix' | 'path'

/**
 * The WebSocket subprotocols only Vite's client sends: its HMR socket's and its ping's (which a restarted
 * server answers at the socket's path). A proxy rule that skips them leaves every other request as it was.
 */
export const VITE_PROTOCOLS = [HMR_PROTOCOL, PING_PROTOCOL] as const

/** What a rewrite that skips Vite's socket leaves as it was, for its note. */
export const SKIP_NOTE =
  "Vite's socket (its handshake and its ping, told by the Sec-WebSocket-Protocol only Vite's client sends) then escapes that rule, and everything else is rewritten as before."

/** Long enough for any ping interval a browser keeps, even a background tab's throttled one. */
export const TUNNEL_TIMEOUT = '1h'
/** The same, for a syntax that counts in seconds. */
export const TUNNEL_TIMEOUT_S = 3600
