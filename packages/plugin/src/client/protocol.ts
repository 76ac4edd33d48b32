/** What the server and the client snippet agree on; no imports, so it bundles into the browser as is. */

/** The header that carries the per-server secret to the report endpoint. */
export const SECRET_HEADER = 'x-hmr-doctor-secret'

/** Where the report endpoint lives, under `config.base`. */
export const REPORT_PATH = '__hmr_doctor/report'

/** What the inline snippet is given by the server that served it. */
export interface ClientConfig {
  endpoint: string
  secret: string
  notice: boolean
  /** How long to wait after a failed socket before reporting, so Vite's direct fallback has settled. */
  settleMs: number
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
