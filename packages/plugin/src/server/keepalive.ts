import type { ViteDevServer } from 'vite'
import { type ErrorSink, guard } from '../safe/guard.js'

export interface Keepalive {
  /** The interval in force, or null while off. */
  readonly intervalMs: number | null
  /** Starts (or re-paces) pinging; it runs only while at least one HMR client is connected. */
  enable(intervalMs: number): void
  close(): void
}

/**
 * Sends Vite's no-op `{"type":"ping"}` message to every HMR client at an interval, so a proxy that closes
 * idle sockets sees traffic. Vite's client ignores the message. No client, no timer: it costs nothing idle.
 */
export function createKeepalive(ws: ViteDevServer['ws'], initialMs: number | null, errors: ErrorSink): Keepalive {
  let intervalMs = initialMs
  let clients = 0
  let timer: ReturnType<typeof setInterval> | undefined
  let closed = false

  const stop = (): void => {
    clearInterval(timer)
    timer = undefined
  }
  const ping = guard(errors, 'the keepalive', () => ws.send({ type: 'ping' }))
  const sync = (): void => {
    stop()
    if (closed || intervalMs === null || clients === 0) return
    timer = setInterval(ping, intervalMs)
    timer.unref()
  }

  ws.on(
    'connection',
    guard(errors, 'the keepalive', (socket) => {
      clients += 1
      socket.once('close', () => {
        clients -= 1
        if (clients === 0) stop()
      })
      if (timer === undefined) sync()
    }),
  )

  return {
    get intervalMs() {
      return intervalMs
    },
    enable(ms) {
      intervalMs = ms
      sync()
      // A socket open now may already be near the proxy's timeout: a first ping now, not an interval later.
      if (timer !== undefined) ping()
    },
    close() {
      closed = true
      stop()
    },
  }
}
