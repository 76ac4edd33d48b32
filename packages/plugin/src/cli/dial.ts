import type { IncomingMessage } from 'node:http'
import WebSocket from 'ws'
import { cleanText } from '../safe/sanitize.js'
import { HMR_PROTOCOL } from '../shared/protocol.js'
import { redactToken } from '../shared/redact-token.js'
import type { HopReply } from './hop-reply.js'
import { kindOfAnswer } from './hop-reply.js'

/** How a handshake went, as the browser's socket would have gone, plus what the browser can't see. */
export type DialOutcome =
  /** The upgrade went through and Vite greeted the socket (`{"type":"connected"}`). */
  | { kind: 'opened'; afterMs: number }
  /** Something answered the handshake with a plain HTTP response: its status, headers and body's kind. */
  | { kind: 'answered'; afterMs: number; reply: HopReply }
  /** The connection failed (refused, reset, TLS) before any answer. */
  | { kind: 'failed'; afterMs: number; error: string }
  /** No answer within the deadline: a handshake Vite never answers (wrong path, subprotocol) hangs. */
  | { kind: 'timeout'; afterMs: number }

export interface DialOptions {
  origin: string | null
  token: string | null
  insecure: boolean
  timeoutMs: number
}

/** A socket Vite greeted, kept open for `--idle`. */
export interface OpenSocket {
  socket: WebSocket
  /** When the last frame arrived (Vite's greeting): where the idle time is counted from. */
  lastFrameAt: number
  openedAt: number
}

/** Vite's greeting is one short frame: nothing larger is read, however far it would inflate. */
export const MAX_FRAME = 64 * 1024

/**
 * The URL as the browser dials it: the token appended as Vite's client appends it, and any fragment dropped
 * (a `#` in the path takes the token with it), or null where the browser refuses the URL.
 */
export function dialledUrl(url: string, token: string | null): URL | null {
  try {
    const dialled = new URL(token === null ? url : `${url}?token=${encodeURIComponent(token)}`)
    dialled.hash = ''
    return dialled.protocol === 'ws:' || dialled.protocol === 'wss:' ? dialled : null
  } catch {
    return null
  }
}

/**
 * Dials `url` as Vite's client does: the `vite-hmr` subprotocol, the page's Origin, the token in the query.
 * Resolves with the outcome, and the socket itself when it opened and `keep` asks for it.
 */
export function dial(
  url: string,
  options: DialOptions,
  keep = false,
): Promise<{ outcome: DialOutcome; open: OpenSocket | null }> {
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  const target = dialledUrl(url, options.token)
  if (target === null) {
    return Promise.resolve({
      outcome: { kind: 'failed', afterMs: 0, error: 'the browser refuses this URL' },
      open: null,
    })
  }
  return new Promise((resolve) => {
    let settled = false
    let answer: IncomingMessage | null = null
    const socket = new WebSocket(target, HMR_PROTOCOL, {
      ...(options.origin === null ? {} : { origin: options.origin }),
      rejectUnauthorized: !options.insecure,
      handshakeTimeout: Math.max(1, options.timeoutMs),
      followRedirects: false,
      maxPayload: MAX_FRAME,
    })
    const finish = (outcome: DialOutcome, open: OpenSocket | null = null): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      answer?.destroy()
      // A socket Vite greeted is closed as a browser closes it; anything else is cut.
      if (outcome.kind === 'opened' && !open) socket.close(1000)
      else if (!open) socket.terminate()
      resolve({ outcome, open })
    }
    const timer = setTimeout(() => finish({ kind: 'timeout', afterMs: elapsed() }), Math.max(1, options.timeoutMs))
    socket.once('message', () => {
      const now = performance.now()
      const open = { socket, lastFrameAt: now, openedAt: now }
      finish({ kind: 'opened', afterMs: elapsed() }, keep ? open : null)
    })
    socket.on('unexpected-response', (_request, response) => {
      answer = response
      const chunks: Buffer[] = []
      let size = 0
      const answered = () =>
        finish({
          kind: 'answered',
          afterMs: elapsed(),
          reply: kindOfAnswer(
            response.statusCode ?? 0,
            response.rawHeaders,
            Buffer.concat(chunks).subarray(0, MAX_FRAME).toString('utf8'),
          ),
        })
      // Enough of the body to say whose answer it is; an endless one is cut there.
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk)
        size += chunk.length
        if (size >= MAX_FRAME) answered()
      })
      response.on('end', answered)
      response.on('error', answered)
    })
    socket.on('error', (error) => {
      const message = /timed out/i.test(error.message) ? null : cleanText(redactToken(error.message), 200)
      finish(
        message === null
          ? { kind: 'timeout', afterMs: elapsed() }
          : { kind: 'failed', afterMs: elapsed(), error: message },
      )
    })
    socket.on('close', () => finish({ kind: 'failed', afterMs: elapsed(), error: 'closed before Vite greeted it' }))
  })
}
