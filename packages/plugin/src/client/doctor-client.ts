import type { BrowserMessage, HopAnswer, SeenSocket } from '../shared/protocol.js'
import { timing } from '../shared/timing.js'
import { showNotice } from './notice.js'
import { otherViteAtRoot, probeHop, probeUrl } from './probe.js'
import { createReportGate, hasFailed } from './report-gate.js'
import { isHanging } from './reported-socket.js'
import { routeServer } from './route-server.js'
import { sendReport } from './send-report.js'
import type { Watched } from './watch.js'

/** Whether a probe of the socket's URL is same-origin, so its answer can be read without CORS. */
function isSameOrigin(socketUrl: string): boolean {
  return probeUrl(socketUrl).origin === location.origin
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

/**
 * The rest of the doctor, loaded by the watcher only when a page needs it: asks each failed socket's URL
 * what answers there, reports once every socket has opened or failed (Vite's direct fallback included),
 * and shows the answer in the console and, optionally, a notice.
 */
export function start(watched: Watched): void {
  const { config } = watched
  const hops = new Map<SeenSocket, HopAnswer>()
  const probes = new Map<SeenSocket, Promise<unknown>>()
  // Asked alongside the probes: which proxy the route names, for a loop whose sockets bear no marks.
  const announced = routeServer(config.clientUrl)

  const report = async (): Promise<void> => {
    try {
      await Promise.all(probes.values())
      // A handshake that was only slow opened meanwhile: a healthy page tells Vite nothing.
      if (!watched.loop && watched.refusals.length === 0 && !watched.sockets.some(hasFailed)) return
      const response = await sendReport(watched, hops, await announced)
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
    sockets: watched.sockets,
    directFallback: config.directFallback,
    capMs: timing.reportCapMs,
    send: () => void report(),
  })

  /**
   * Each socket that failed or hangs after dialling is asked about once; one the browser refused never
   * dialled.
   */
  const probeFailures = (): void => {
    for (const socket of watched.sockets) {
      const failed = socket.closedAt !== undefined || isHanging(socket)
      if (socket.openedAt !== undefined || !failed || probes.has(socket)) continue
      // A URL the page's policy refused would be refused again, with an error of the doctor's in the console.
      if (watched.refusals.length > 0) continue
      probes.set(
        socket,
        // Another origin that refuses CORS turns a readable request into an error in the page's console.
        probeHop(socket.url, timing.reportCapMs, { opaqueOnly: !isSameOrigin(socket.url) }).then(async (hop) => {
          const front = hop.kind === 'vite-page' && (await otherViteAtRoot(config.clientUrl, timing.reportCapMs))
          hops.set(socket, front ? { ...hop, viteAtRoot: true } : hop)
        }),
      )
    }
  }

  watched.onChange = () => {
    probeFailures()
    gate.check()
  }
  if (watched.loop) gate.fire()
  watched.onChange()
}
