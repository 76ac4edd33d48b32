import { appendClose, type CloseEntry, HISTORY_KEY, isReloadLoop, readHistory, toReported } from './close-history.js'
import { showNotice } from './notice.js'
import { probeHop } from './probe.js'
import type { BrowserMessage, ClientConfig, ReportedSocket } from './protocol.js'
import { HMR_PROTOCOL, RAN_FLAG, SECRET_HEADER } from './protocol.js'
import { createReportGate } from './report-gate.js'

const MAX_RECORDS = 8

export function isHmrProtocol(protocols: string | string[] | undefined): boolean {
  return protocols === HMR_PROTOCOL || (Array.isArray(protocols) && protocols.includes(HMR_PROTOCOL))
}

function withoutToken(url: string | URL): string {
  return String(url).replace(/([?&]token=)[^&#]*/g, '$1redacted')
}

/** Accepts only the shape the server sends; anything else shows nothing. */
export function readMessages(data: unknown): BrowserMessage[] {
  if (typeof data !== 'object' || data === null || !Array.isArray((data as { messages?: unknown }).messages)) return []
  return (data as { messages: unknown[] }).messages.filter(
    (message): message is BrowserMessage =>
      typeof message === 'object' &&
      message !== null &&
      typeof (message as BrowserMessage).title === 'string' &&
      Array.isArray((message as BrowserMessage).lines) &&
      (message as BrowserMessage).lines.every((line) => typeof line === 'string'),
  )
}

function print(messages: BrowserMessage[]): void {
  for (const message of messages) {
    console.groupCollapsed(`%c${message.title}`, 'color:#e8a33d;font-weight:bold')
    for (const line of message.lines) console.log(line)
    console.groupEnd()
  }
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
 * Watches the `vite-hmr` sockets Vite's client opens. It must run before Vite's client creates its first
 * socket, so the server prepends it to `/@vite/client`. Healthy pages send nothing and start no timer: a
 * report goes out only once a socket failed and Vite's direct fallback has opened or failed too, or when
 * this load is one more turn of a close-and-reload loop under the same server.
 */
export function install(config: ClientConfig): void {
  const NativeWebSocket = globalThis.WebSocket
  ;(globalThis as Record<string, unknown>)[RAN_FLAG] = true
  if (typeof NativeWebSocket !== 'function') return
  const records: ReportedSocket[] = []
  // Each failed socket's URL is asked over plain HTTP what answers there; the report waits for the answers.
  const probes: Promise<unknown>[] = []
  let history = loadHistory()

  const report = async (): Promise<void> => {
    try {
      const response = await fetch(config.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SECRET_HEADER]: config.secret },
        body: JSON.stringify({
          pageOrigin: location.origin,
          clientOrigin: new URL(config.endpoint).origin,
          sockets: records.slice(-MAX_RECORDS),
          closes: toReported(history, Date.now(), config.serverId),
        }),
      })
      if (!response.ok) return
      const messages = readMessages(await response.json())
      if (messages.length === 0) return
      print(messages)
      if (config.notice) showNotice(messages)
    } catch {
      // The doctor must never add an error of its own to a page that already has one.
    }
  }

  const gate = createReportGate({
    sockets: records,
    directFallback: config.directFallback,
    capMs: config.reportCapMs,
    send: () => void Promise.all(probes).then(report),
  })

  if (isReloadLoop(history, Date.now(), config.serverId)) gate.fire()

  class ReportedSocketWebSocket extends NativeWebSocket {
    #lastFrameAt = 0

    constructor(url: string | URL, protocols?: string | string[]) {
      const observe = isHmrProtocol(protocols)
      const started = performance.now()
      try {
        super(url, protocols)
      } catch (error) {
        if (observe) {
          records.push({
            url: withoutToken(url),
            opened: false,
            closeCode: null,
            openedAfterMs: null,
            closedAfterMs: null,
            error: error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 200) : 'constructor threw',
          })
          gate.check()
        }
        throw error
      }
      if (!observe) return
      const record: ReportedSocket = {
        url: withoutToken(url),
        opened: false,
        closeCode: null,
        openedAfterMs: null,
        closedAfterMs: null,
        error: null,
      }
      records.push(record)
      if (records.length > MAX_RECORDS) records.shift()
      const elapsed = () => Math.round(performance.now() - started)
      this.addEventListener('open', () => {
        record.opened = true
        record.openedAfterMs = elapsed()
        this.#lastFrameAt = performance.now()
        gate.check()
      })
      this.addEventListener('message', () => {
        this.#lastFrameAt = performance.now()
      })
      this.addEventListener('close', (event) => {
        record.closeCode = event.code
        record.closedAfterMs = elapsed()
        if (!record.opened) {
          probes.push(
            probeHop(url, config.reportCapMs).then((hop) => {
              record.hop = hop
            }),
          )
          gate.check()
          return
        }
        // Saved now: Vite's client answers this close with a reload, and the next page needs to know.
        history = appendClose(history, {
          at: Date.now(),
          serverId: config.serverId,
          openForMs: record.closedAfterMs - (record.openedAfterMs ?? 0),
          idleMs: Math.round(performance.now() - this.#lastFrameAt),
          code: event.code,
        })
        saveHistory(history)
      })
    }

    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      this.#lastFrameAt = performance.now()
      super.send(data)
    }
  }

  globalThis.WebSocket = ReportedSocketWebSocket
}
