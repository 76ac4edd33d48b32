import type { BrowserMessage, HopAnswer, ReportedSocket, SeenSocket } from '../shared/protocol.js'
import { REPORT_QUERY, SECRET_HEADER } from '../shared/protocol.js'
import { redactToken } from '../shared/redact-token.js'
import { timing } from '../shared/timing.js'
import { toReported } from './close-history.js'
import { showNotice } from './notice.js'
import { otherViteAtRoot, probeHop, probeUrl } from './probe.js'
import { createReportGate, hasFailed } from './report-gate.js'
import type { Watched } from './watch.js'

const MAX_ERROR_LENGTH = 200

function describeThrown(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, MAX_ERROR_LENGTH) : 'constructor threw'
}

/** Connecting past `timing.pendingSocketMs`, and still connecting. */
function isSameOrigin(socketUrl: string): boolean {
  return probeUrl(socketUrl).origin === location.origin
}

function isHanging(seen: SeenSocket): boolean {
  return seen.hangingAt !== undefined && seen.openedAt === undefined && seen.closedAt === undefined
}

/** A socket as the report says it: times relative to its creation, token removed. */
export function toReportedSocket(seen: SeenSocket, hop: HopAnswer | undefined): ReportedSocket {
  const after = (at: number | undefined) => (at === undefined ? null : Math.round(at - seen.at))
  return {
    url: redactToken(seen.url),
    opened: seen.openedAt !== undefined,
    closeCode: seen.closeCode ?? null,
    openedAfterMs: after(seen.openedAt),
    closedAfterMs: after(seen.closedAt),
    error: seen.thrown
      ? describeThrown(seen.thrown.error)
      : seen.refused
        ? "refused by the page's Content-Security-Policy"
        : null,
    ...(hop && { hop }),
    ...(isHanging(seen) && { hangingAfterMs: after(seen.hangingAt) ?? 0 }),
    ...(seen.ping && { ping: true as const }),
  }
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
  const endpoint = new URL(`?${REPORT_QUERY}`, config.clientUrl)
  const hops = new Map<SeenSocket, HopAnswer>()
  const probes = new Map<SeenSocket, Promise<unknown>>()

  const report = async (): Promise<void> => {
    try {
      await Promise.all(probes.values())
      // A handshake that was only slow opened meanwhile: a healthy page tells Vite nothing.
      if (!watched.loop && watched.refusals.length === 0 && !watched.sockets.some(hasFailed)) return
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SECRET_HEADER]: config.secret },
        body: JSON.stringify({
          pageOrigin: location.origin,
          clientOrigin: endpoint.origin,
          sockets: watched.sockets.map((socket) => toReportedSocket(socket, hops.get(socket))),
          closes: toReported(watched.history, Date.now(), config.serverId),
          ...(watched.refusals.length > 0 && { refusals: watched.refusals }),
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
