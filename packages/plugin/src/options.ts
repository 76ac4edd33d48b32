/** Options of `hmrDoctor()`. */
export interface HmrDoctorOptions {
  /**
   * Show a small dismissable notice on the page when the browser's HMR socket is broken. The diagnosis
   * is printed in the terminal and the browser console either way.
   * @default true
   */
  notice?: boolean
  /**
   * How long after the page loaded `/@vite/client` Vite must have seen its HMR socket before the
   * doctor looks for the reason, in milliseconds.
   * @default 3000
   */
  socketGraceMs?: number
}

export interface ResolvedOptions {
  notice: boolean
  socketGraceMs: number
}

export function resolveOptions(options: HmrDoctorOptions = {}): ResolvedOptions {
  const socketGraceMs = options.socketGraceMs ?? 3000
  if (!Number.isFinite(socketGraceMs) || socketGraceMs <= 0) {
    throw new TypeError(`[hmr-doctor] socketGraceMs must be a positive number of milliseconds, got ${socketGraceMs}`)
  }
  return { notice: options.notice ?? true, socketGraceMs }
}
