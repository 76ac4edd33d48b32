/** What the server and the client snippet agree on; no imports, so it bundles into the browser as is. */

/** The header that carries the per-server secret to the report endpoint. */
export const SECRET_HEADER = 'x-hmr-doctor-secret'

/** Where the report endpoint lives, under `config.base`. */
export const REPORT_PATH = '__hmr_doctor/report'

/** The subprotocol of Vite's HMR socket (Vite's client dials it; `vite-ping` is its restart probe). */
export const HMR_PROTOCOL = 'vite-hmr'

/** What the inline snippet is given by the server that served it. */
export interface ClientConfig {
  endpoint: string
  secret: string
  /** Names the server that served this page: the close history tells a restart from a loop by it. */
  serverId: string
  notice: boolean
  /** Whether Vite's client retries straight at Vite after a first failed socket (no port configured). */
  directFallback: boolean
  /** How long to wait for that fallback to open or fail before reporting what there is. */
  reportCapMs: number
}

/** One WebSocket the page opened with the `vite-hmr` subprotocol, as the snippet reports it. */
export interface ReportedSocket {
  /** The URL dialled, token removed. */
  url: string
  opened: boolean
  /** Close code, or null while open. */
  closeCode: number | null
  /** Milliseconds from creation to open, or null when it never opened. */
  openedAfterMs: number | null
  /** Milliseconds from creation to close, or null while open. */
  closedAfterMs: number | null
  /** The constructor threw (mixed content, invalid URL): the browser never dialled. */
  error: string | null
}

/** One finding, as the browser shows it. */
export interface BrowserMessage {
  title: string
  lines: string[]
}

export interface ReportResponse {
  messages: BrowserMessage[]
}
