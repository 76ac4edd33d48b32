import type { ClientConfig, PolicyRefusal, SeenSocket } from '../shared/protocol.js'
import { DOCTOR_MODULE, isHmrProtocol, PING_PROTOCOL, RAN_FLAG } from '../shared/protocol.js'
import { timing } from '../shared/timing.js'
import { appendClose, HISTORY_KEY, isReloadLoop, readStoredHistory } from './close-history.js'
import { type PingSink, watchPing, watchPingWorkers } from './ping-watch.js'
import { markRefused, watchPolicyRefusals } from './policy.js'
import { hasFailed, isStoryComplete } from './report-gate.js'
import { sendReport } from './send-report.js'

const MAX_RECORDS = 8

/** What the watcher hands the doctor part once a page needs it; the socket list stays live. */
export interface Watched {
  config: ClientConfig
  sockets: SeenSocket[]
  /** The stored close history, unchecked (see close-history.ts). */
  history: unknown[]
  /** Socket URLs the page's Content-Security-Policy refused. */
  refusals: PolicyRefusal[]
  /** This load is one more turn of a close-and-reload loop: report at once. */
  loop?: true
  /** Set by the doctor part: told of every change to a socket from then on. */
  onChange?: () => void
  /** Set once a report left this page. */
  sent?: true
}

function saveHistory(history: unknown[]): void {
  try {
    sessionStorage.setItem(HISTORY_KEY, JSON.stringify(history))
  } catch {
    // Storage may be disabled; the loop then goes unreported, the page is no worse off.
  }
}

/**
 * Watches the `vite-hmr` sockets Vite's client opens; prepended to `/@vite/client` so it runs first. Loads the
 * rest of the doctor only on a failure (a hanging socket counts), so a healthy page loads and sends nothing.
 */
export default function install(config: ClientConfig): void {
  ;(globalThis as Record<string, unknown>)[RAN_FLAG] = true
  const NativeWebSocket = globalThis.WebSocket
  if (typeof NativeWebSocket !== 'function') return
  const watched: Watched = {
    config,
    sockets: [],
    history: readStoredHistory(() => sessionStorage.getItem(HISTORY_KEY)),
    refusals: [],
  }
  let loading = false

  const changed = (): void => {
    if (watched.onChange) watched.onChange()
    else if (!loading) {
      loading = true
      import(/* @vite-ignore */ new URL(DOCTOR_MODULE, config.clientUrl).href).then(
        (doctor: { start(watched: Watched): void }) => doctor.start(watched),
        () => {
          // The doctor must never add an error of its own to a page that already has one.
        },
      )
    }
  }

  watchPolicyRefusals(watched.refusals, watched.sockets, changed)

  // A page left before the doctor part reported (a reload, a navigation) still tells a whole story it saw.
  addEventListener('pagehide', () => {
    if (!watched.sent && watched.sockets.some(hasFailed) && isStoryComplete(watched.sockets, config.directFallback))
      sendReport(watched).catch(() => {
        // The doctor must never add an error of its own to a page that already has one.
      })
  })

  if (isReloadLoop(watched.history, Date.now(), config.serverId)) {
    watched.loop = true
    changed()
  }

  // Vite's restart probe after a lost socket: a ping the page waits on forever is a failure too.
  const pings: PingSink = {
    hanging: (seen) => {
      if (watched.sockets.push(seen) > MAX_RECORDS) watched.sockets.shift()
      changed()
    },
    changed: () => watched.onChange?.(),
  }
  watchPingWorkers(pings)

  class WatchedWebSocket extends NativeWebSocket {
    #lastFrameAt = 0

    constructor(url: string | URL, protocols?: string | string[]) {
      const observe = isHmrProtocol(protocols)
      const seen: SeenSocket = { url: String(url), at: performance.now() }
      try {
        super(url, protocols)
      } catch (error) {
        if (observe) {
          seen.thrown = { error }
          watched.sockets.push(seen)
          changed()
        }
        throw error
      }
      if (protocols === PING_PROTOCOL) watchPing(this, seen.url, pings)
      if (!observe) return
      if (watched.sockets.push(seen) > MAX_RECORDS) watched.sockets.shift()
      if (markRefused(watched.refusals, seen)) changed()
      const hanging = setTimeout(() => {
        if (this.readyState !== NativeWebSocket.CONNECTING || seen.refused) return
        seen.hangingAt = performance.now()
        changed()
      }, timing.pendingSocketMs)
      this.addEventListener('open', () => {
        clearTimeout(hanging)
        seen.openedAt = this.#lastFrameAt = performance.now()
        watched.onChange?.()
      })
      this.addEventListener('message', () => {
        this.#lastFrameAt = performance.now()
      })
      this.addEventListener('close', (event) => {
        clearTimeout(hanging)
        const now = performance.now()
        seen.closeCode = event.code
        seen.closedAt = now
        if (seen.openedAt === undefined) {
          changed()
          return
        }
        // Saved now: Vite's client answers this close with a reload, and the next page needs to know.
        watched.history = appendClose(watched.history, {
          at: Date.now(),
          serverId: config.serverId,
          openForMs: now - seen.openedAt,
          idleMs: now - this.#lastFrameAt,
          code: event.code,
        })
        saveHistory(watched.history)
        // The loop's report leaves with the close that makes it one, before Vite's client reloads the page: a
        // page that reloads before the doctor part loads would otherwise never tell.
        if (isReloadLoop(watched.history, Date.now(), config.serverId))
          sendReport(watched).catch(() => {
            // The doctor must never add an error of its own to a page that already has one.
          })
      })
    }

    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      this.#lastFrameAt = performance.now()
      super.send(data)
    }
  }

  globalThis.WebSocket = WatchedWebSocket
}
