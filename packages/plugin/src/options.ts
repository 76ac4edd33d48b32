import { timing } from './shared/timing.js'

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
   * @default 5000 (`timing.socketGraceMs`)
   */
  socketGraceMs?: number
  /**
   * Keep HMR sockets alive through proxies that close idle connections, by sending Vite's no-op `ping`
   * message to each connected HMR client at an interval.
   * - `'auto'`: only after the doctor has measured a proxy closing idle sockets, at half that timeout.
   * - a number: always, every that many milliseconds.
   * - `false`: never.
   * @default 'auto'
   * @example hmrDoctor({ keepalive: 20_000 })
   */
  keepalive?: number | false | 'auto'
}

export interface ResolvedOptions {
  notice: boolean
  socketGraceMs: number
  keepalive: number | false | 'auto'
}

export function resolveOptions(options: HmrDoctorOptions = {}): ResolvedOptions {
  const socketGraceMs = options.socketGraceMs ?? timing.socketGraceMs
  if (!Number.isFinite(socketGraceMs) || socketGraceMs <= 0) {
    throw new TypeError(`[hmr-doctor] socketGraceMs must be a positive number of milliseconds, got ${socketGraceMs}`)
  }
  const keepalive = options.keepalive ?? 'auto'
  if (typeof keepalive === 'number' && (!Number.isFinite(keepalive) || keepalive < 100)) {
    throw new TypeError(`[hmr-doctor] keepalive must be 'auto', false or at least 100 milliseconds, got ${keepalive}`)
  }
  return { notice: options.notice ?? true, socketGraceMs, keepalive }
}
