import type { SeenSocket } from '../shared/protocol.js'

/** A socket still connecting past `timing.pendingSocketMs` counts as failed: its handshake is held. */
function isSettled(socket: SeenSocket): boolean {
  return (
    socket.openedAt !== undefined ||
    socket.closedAt !== undefined ||
    socket.thrown !== undefined ||
    socket.hangingAt !== undefined ||
    socket.refused === true
  )
}

/** Failed and not opened since: a handshake called hanging that then opened was only slow. */
export function hasFailed(socket: SeenSocket): boolean {
  return socket.openedAt === undefined && isSettled(socket)
}

/**
 * Every socket opened or failed, and Vite's client dials no more: its direct fallback comes only after a
 * socket closes, not for a constructor that threw (mixed content), nor for a handshake still held.
 */
export function isStoryComplete(sockets: readonly SeenSocket[], directFallback: boolean): boolean {
  const fallbackDue =
    directFallback &&
    sockets.length < 2 &&
    !sockets.some((socket) => socket.thrown !== undefined || socket.refused === true) &&
    sockets.some((socket) => socket.closedAt !== undefined && socket.openedAt === undefined)
  return !fallbackDue && sockets.every(isSettled)
}

/**
 * Decides when a page reports: as soon as every `vite-hmr` socket it saw has opened or failed, Vite's
 * direct fallback included, or after `capMs` when that fallback hangs. A healthy page never starts a
 * timer. `sockets` is the live list the watcher keeps.
 */
export function createReportGate(options: {
  sockets: readonly SeenSocket[]
  /** Whether Vite's client dials a direct fallback after a first failure (no port configured). */
  directFallback: boolean
  capMs: number
  send: () => void
}) {
  let state: 'idle' | 'waiting' | 'sent' = 'idle'
  let cap: ReturnType<typeof setTimeout> | undefined
  let recheck: ReturnType<typeof setTimeout> | undefined

  const fire = (): void => {
    if (state === 'sent') return
    state = 'sent'
    clearTimeout(cap)
    clearTimeout(recheck)
    options.send()
  }

  const check = (): void => {
    const { sockets } = options
    if (state === 'sent' || !sockets.some(hasFailed)) return
    if (state === 'idle') {
      state = 'waiting'
      cap = setTimeout(fire, options.capMs)
      // Vite's client dials its fallback from its own close listener, which runs after the watcher's.
      recheck = setTimeout(check, 0)
    }
    if (isStoryComplete(sockets, options.directFallback)) fire()
  }

  return {
    /** A socket opened, failed or closed: report if that completes the story. */
    check,
    /** Report now, whatever the sockets say (a reload loop is its own story). */
    fire,
  }
}
