import type { Run } from './budget.js'
import { dial } from './dial.js'
import type { HopReply } from './hop-reply.js'
import { httpGet } from './http-get.js'
import { reply } from './load-page.js'
import type { IdleClose } from './observe.js'

const LOOPBACK = /^(localhost|127(\.\d+){3}|\[::1\])$/i

async function probe(url: string, options: Run, steps: number): Promise<HopReply | 'no-answer'> {
  const target = new URL(url)
  target.hash = ''
  target.protocol = target.protocol === 'wss:' ? 'https:' : 'http:'
  try {
    return reply(await httpGet(target, { insecure: options.insecure, timeoutMs: options.budget.share(steps) }))
  } catch {
    return 'no-answer'
  }
}

/**
 * Dials a socket as the browser would, then asks its URL over plain HTTP when it failed. `steps`: the waits
 * still to come, this one's two included, which share what is left of the run's time.
 */
export async function checkSocket(
  url: string,
  page: URL,
  options: Run,
  origin: string,
  token: string | null,
  steps: number,
) {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return { url, blocked: 'the browser refuses this URL (SyntaxError)', outcome: null, probe: null }
  }
  // Chromium blocks ws:// from an https page unless it goes to a loopback address.
  if (page.protocol === 'https:' && parsed.protocol === 'ws:' && !LOOPBACK.test(parsed.hostname)) {
    return { url, blocked: 'Mixed Content: an https page may not dial ws://', outcome: null, probe: null }
  }
  const timeoutMs = options.budget.share(steps)
  const { outcome } = await dial(url, { origin, token, insecure: options.insecure, timeoutMs })
  const failed = outcome.kind !== 'opened'
  return { url, blocked: null, outcome, probe: failed ? await probe(url, options, steps - 1) : null }
}

/** Holds two quiet sockets open at once: a proxy's idle timeout closes both at the same idle time. */
export async function holdIdle(url: string, options: Run, origin: string, token: string | null) {
  const dialOptions = { origin, token, insecure: options.insecure, timeoutMs: options.budget.share() }
  const opened = await Promise.all([dial(url, dialOptions, true), dial(url, dialOptions, true)])
  const closes = await Promise.all(
    opened.map(({ open }) =>
      open === null
        ? Promise.resolve(null)
        : new Promise<IdleClose | null>((resolve) => {
            const timer = setTimeout(() => {
              open.socket.close(1000)
              resolve(null)
            }, options.idleMs)
            open.socket.on('message', () => {
              open.lastFrameAt = performance.now()
            })
            open.socket.once('close', (code) => {
              clearTimeout(timer)
              const now = performance.now()
              resolve({
                code,
                openForMs: Math.round(now - open.openedAt),
                idleMs: Math.round(now - open.lastFrameAt),
              })
            })
          }),
    ),
  )
  return { heldMs: options.idleMs, closes: closes.filter((close): close is IdleClose => close !== null) }
}
