/** Starts every line the doctor prints, in the terminal and in the browser. */
export const PREFIX = '[hmr-doctor]'

/** The longest URL a report may carry: past it, the value is dropped, not cut. */
export const MAX_URL_LENGTH = 2048

/** The longest URL, origin or path the doctor prints. */
export const MAX_PRINTED_URL = 300

/** Vite's default `hmr.port` in middleware mode, where the socket gets a server of its own. */
export const MIDDLEWARE_HMR_PORT = 24678

/** Reports each sender may post per window: a page sends a few per failure, a flood is cut short. */
export const REPORT_RATE_LIMIT = { max: 20, windowMs: 10_000 }
