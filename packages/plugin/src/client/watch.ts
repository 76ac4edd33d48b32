import { appendClose, type CloseEntry, HISTORY_KEY, isReloadLoop, readHistory } from './close-history.js'
import type { ClientConfig, ReportedSocket } from './protocol.js'
import { HMR_PROTOCOL, RAN_FLAG } from './protocol.js'

const MAX_RECORDS = 8

/** What the watcher hands the doctor part once a page needs it; the socket list stays live. */
export interface Watched {
  config: ClientConfig
  sockets: ReportedSocket[]
  history: CloseEntry[]
  /** This load is one more turn of a close-and-reload loop: report at once. */
  loop: boolean
  /** Set by the doctor part: told of every change to a socket from then on. */
  onChange: (() => void) | null
}

export function isHmrProtocol(protocols: string | string[] | undefined): boolean {
  return protocols === HMR_PROTOCOL || (Array.isArray(protocols) && protocols.includes(HMR_PROTOCOL))
}

function withoutToken(url: string | URL): string {
  return String(url).replace(/([?&]token=)[^&#]*/g, '$1redacted')
}

function loadHistory(): CloseEntry[] {
  try {
    return readHistory(sessionStorage.getItem(HISTORY_KEY), Date.now())
  } catch {
    return []
  }
}

function saveHistory(history: CloseEntry[]): void {
  try {
    sessionStorage.setItem(HISTORY_KEY, JSON.stringify(history))
  } catch {
    // Storage may be disabled; the loop then goes unreported, the page is no worse off.
  }
}

/**
 * Watches the `vite-hmr` sockets Vite's client opens: the part every page carries, kept small. It must run
 * before Vite's client creates its first socket, so the server prepends it to `/@vite/client`. Only when a
 * socket fails, or this load is one more turn of a close-and-reload loop under the same server, does it
 * load the rest of the doctor (probing, reporting, showing). A healthy page loads nothing, sends nothing
 * and starts no timer.
 */
export function install(config: ClientConfig): void {
  ;(globalThis as Record<string, unknown>)[RAN_FLAG] = true
  const NativeWebSocket = globalThis.WebSocket
  if (typeof NativeWebSocket !== 'function') return
  const watched: Watched = { config, sockets: [], history: loadHistory(), loop: false, onChange: null }
  let loading = false

  const changed = (): void => {
    if (watched.onChange) watched.onChange()
    else if (!loading) {
      loading = true
      import(/* @vite-ignore */ config.doctorUrl).then(
        (doctor: { start(watched: Watched): void }) => doctor.start(watched),
        () => {
          // The doctor must never add an error of its own to a page that already has one.
        },
      )
    }
  }

  if (isReloadLoop(watched.history, Date.now(), config.serverId)) {
    watched.loop = true
    changed()
  }

  class WatchedWebSocket extends NativeWebSocket {
    #lastFrameAt = 0

    constructor(url: string | URL, protocols?: string | string[]) {
      const observe = isHmrProtocol(protocols)
      const started = performance.now()
      const record: ReportedSocket = {
        url: withoutToken(url),
        opened: false,
        closeCode: null,
        openedAfterMs: null,
        closedAfterMs: null,
        error: null,
      }
      try {
        super(url, protocols)
      } catch (error) {
        if (observe) {
          record.error = error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 200) : 'constructor threw'
          watched.sockets.push(record)
          changed()
        }
        throw error
      }
      if (!observe) return
      watched.sockets.push(record)
      if (watched.sockets.length > MAX_RECORDS) watched.sockets.shift()
      const elapsed = () => Math.round(performance.now() - started)
      this.addEventListener('open', () => {
        record.opened = true
        record.openedAfterMs = elapsed()
        this.#lastFrameAt = performance.now()
        watched.onChange?.()
      })
      this.addEventListener('message', () => {
        this.#lastFrameAt = performance.now()
      })
      this.addEventListener('close', (event) => {
        record.closeCode = event.code
        record.closedAfterMs = elapsed()
        if (!record.opened) {
          changed()
          return
        }
        // Saved now: Vite's client answers this close with a reload, and the next page needs to know.
        watched.history = appendClose(watched.history, {
          at: Date.now(),
          serverId: config.serverId,
          openForMs: record.closedAfterMs - (record.openedAfterMs ?? 0),
          idleMs: Math.round(performance.now() - this.#lastFrameAt),
          code: event.code,
        })
        saveHistory(watched.history)
      })
    }

    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      this.#lastFrameAt = performance.now()
      super.send(data)
    }
  }

  globalThis.WebSocket = WatchedWebSocket
}
