import type { SeenSocket } from '../shared/protocol.js'
import { PING_PROTOCOL } from '../shared/protocol.js'
import { timing } from '../shared/timing.js'

/** Told of a ping that hangs (a new record), and of any change to one recorded. */
export interface PingSink {
  hanging(seen: SeenSocket): void
  changed(): void
}

/**
 * Watches one `vite-ping` socket: it is recorded only if still connecting after `timing.pendingSocketMs`, so
 * the routine probes of a restart (refused while the server is down, opened once it is back) leave nothing.
 */
export function watchPing(socket: WebSocket, url: string, sink: PingSink): void {
  const at = performance.now()
  let seen: SeenSocket | undefined
  const hanging = setTimeout(() => {
    if (socket.readyState !== socket.CONNECTING) return
    seen = { url, at, hangingAt: performance.now(), ping: true }
    sink.hanging(seen)
  }, timing.pendingSocketMs)
  socket.addEventListener('open', () => {
    clearTimeout(hanging)
    if (!seen) return
    seen.openedAt = performance.now()
    sink.changed()
  })
  socket.addEventListener('close', (event) => {
    clearTimeout(hanging)
    if (!seen) return
    seen.closeCode = event.code
    seen.closedAt = performance.now()
    sink.changed()
  })
}

interface PingMessage {
  id: number
  url: string
  state: 'hanging' | 'open' | 'close'
  code?: number
}

/**
 * The first lines of the worker Vite 6+ pings from (a `SharedWorker` made from a blob): tells the page, on a
 * channel of its own, of a ping still connecting after `hangingMs`, and of that ping's end. Sent as text, so
 * it uses nothing outside itself.
 */
function workerPrelude(channelName: string, protocol: string, hangingMs: number): void {
  const channel = new BroadcastChannel(channelName)
  const Native = globalThis.WebSocket
  let next = 0
  globalThis.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols)
      if (protocols !== protocol) return
      const id = next++
      let hung = false
      const post = (state: string, code?: number) => channel.postMessage({ id, url: String(url), state, code })
      const timer = setTimeout(() => {
        if (this.readyState !== Native.CONNECTING) return
        hung = true
        post('hanging')
      }, hangingMs)
      this.addEventListener('open', () => {
        clearTimeout(timer)
        if (hung) post('open')
      })
      this.addEventListener('close', (event) => {
        clearTimeout(timer)
        if (hung) post('close', event.code)
      })
    }
  }
}

const MAX_SCRIPT_BLOBS = 4

function isPingMessage(data: unknown): data is PingMessage {
  const message = data as Partial<PingMessage> | null
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof message.id === 'number' &&
    typeof message.url === 'string' &&
    (message.state === 'hanging' || message.state === 'open' || message.state === 'close')
  )
}

/**
 * Vite 6+ pings from a `SharedWorker` it builds from a blob of script, where the page's `WebSocket` is not
 * seen: such a worker gets the prelude above in front of that same blob (no extra fetch, nothing for a
 * Content-Security-Policy to refuse), and its hanging pings reach `sink` as the page's own would.
 */
export function watchPingWorkers(sink: PingSink): void {
  const NativeSharedWorker = globalThis.SharedWorker
  const createObjectURL = URL.createObjectURL
  if (typeof NativeSharedWorker !== 'function' || typeof BroadcastChannel !== 'function') return
  // Only the latest script blobs: a worker is made from its URL right after the URL is.
  const scripts = new Map<string, Blob>()
  URL.createObjectURL = (object: Blob | MediaSource): string => {
    const url = createObjectURL(object)
    if (object instanceof Blob && /javascript/.test(object.type)) {
      scripts.set(url, object)
      if (scripts.size > MAX_SCRIPT_BLOBS) scripts.delete(scripts.keys().next().value as string)
    }
    return url
  }
  const channelName = `hmr-doctor-ping-${Math.random().toString(36).slice(2)}`
  const records = new Map<number, SeenSocket>()
  new BroadcastChannel(channelName).addEventListener('message', (event: MessageEvent) => {
    if (!isPingMessage(event.data)) return
    const { id, url, state, code } = event.data
    const now = performance.now()
    const seen = records.get(id)
    if (state === 'hanging' && !seen) {
      const record: SeenSocket = { url, at: now - timing.pendingSocketMs, hangingAt: now, ping: true }
      records.set(id, record)
      sink.hanging(record)
    } else if (seen && state === 'open') {
      seen.openedAt = now
      sink.changed()
    } else if (seen && state === 'close') {
      seen.closeCode = code ?? 1006
      seen.closedAt = now
      sink.changed()
    }
  })
  const prelude = `"use strict";(${workerPrelude})(${JSON.stringify(channelName)},${JSON.stringify(PING_PROTOCOL)},${timing.pendingSocketMs});\n`
  globalThis.SharedWorker = class extends NativeSharedWorker {
    constructor(url: string | URL, options?: string | WorkerOptions) {
      const script = scripts.get(String(url))
      const classic = typeof options !== 'object' || options.type !== 'module'
      super(
        script && classic ? createObjectURL(new Blob([prelude, script], { type: 'application/javascript' })) : url,
        options,
      )
    }
  }
}
