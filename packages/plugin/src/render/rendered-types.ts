/** A piece of configuration to paste, and where it goes. */
export interface ConfigBlock {
  /** Where to paste it, e.g. "nginx, inside http {}". */
  where: string
  text: string
  /** A warning that must never be separated from this block: shown right after it, wherever it is shown. */
  caution?: string
}

/** A finding turned into words and the lines that fix it; both the terminal and the browser print this. */
export interface RenderedFinding {
  /** What is wrong, in one sentence. */
  summary: string
  /** What was observed, in one line. */
  evidence: string
  /** What it means for the user right now (fallback, scope). */
  notes: string[]
  /**
   * The recognised proxy's configuration, in order: lines to paste, or to remove, as each block's `where`
   * says. Empty when the proxy wasn't recognised or no tested lines fit it.
   */
  proxy: ConfigBlock[]
  /** The vite.config change, or null when vite.config needs nothing. */
  vite: ConfigBlock | null
  /** What to do after pasting, e.g. reloading the proxy. */
  afterwards: string | null
  /** The file that holds Vite's options, when it isn't vite.config (Nuxt's nuxt.config). */
  configFile?: string
}

/** What the doctor itself is doing right now, which a message may mention. */
export interface RenderState {
  /** The interval at which the doctor pings HMR clients, or null while it doesn't. */
  keepaliveMs: number | null
}
