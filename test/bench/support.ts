// Shared by the benchmarks that drive real Chromium (and nginx): what a page saw, stamped with the clock.
import { stripVTControlCharacters } from 'node:util'
import type { BrowserContext, Page } from 'playwright-core'
import type { CapturedLogger } from '../harness/vite.js'

/**
 * Runs in every document before its own scripts: stamps (with `Date.now()`, the clock Node reads too) the
 * first `vite-hmr` socket that closed without opening and the first console group the doctor opened, and
 * counts the timers the page's scripts start.
 */
const PAGE_PROBE = `(() => {
  const stamps = { socketFailedAt: null, groupAt: null, timers: 0 }
  Object.defineProperty(window, '__benchStamps', { value: stamps })
  const NativeWebSocket = window.WebSocket
  window.WebSocket = class extends NativeWebSocket {
    constructor(url, protocols) {
      super(url, protocols)
      const hmr = protocols === 'vite-hmr' || (Array.isArray(protocols) && protocols.includes('vite-hmr'))
      if (!hmr) return
      let opened = false
      this.addEventListener('open', () => { opened = true })
      this.addEventListener('close', () => { if (!opened && stamps.socketFailedAt === null) stamps.socketFailedAt = Date.now() })
    }
  }
  const group = console.groupCollapsed
  console.groupCollapsed = function (...args) {
    if (stamps.groupAt === null && String(args[0]).includes('[hmr-doctor]')) stamps.groupAt = Date.now()
    return group.apply(this, args)
  }
  for (const name of ['setTimeout', 'setInterval']) {
    const native = window[name]
    window[name] = function (...args) { stamps.timers += 1; return native.apply(this, args) }
  }
})()`

export interface PageStamps {
  socketFailedAt: number | null
  groupAt: number | null
  timers: number
  /** When the browser sent the document's request. */
  requestStartAt: number
}

export async function probedContext(context: BrowserContext): Promise<BrowserContext> {
  await context.addInitScript(PAGE_PROBE)
  return context
}

export function stampsOf(page: Page): Promise<PageStamps> {
  return page.evaluate(() => {
    const stamps = (window as unknown as { __benchStamps: Omit<PageStamps, 'requestStartAt'> }).__benchStamps
    const [navigation] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[]
    return { ...stamps, requestStartAt: performance.timeOrigin + (navigation?.requestStart ?? 0) }
  })
}

/** Stamps the first line the server prints that contains `text`; the doctor logs through this same object. */
export function stampFirstLine(logger: CapturedLogger, text: string): () => number | null {
  let at: number | null = null
  for (const level of ['info', 'warn', 'warnOnce', 'error'] as const) {
    const print = logger[level]
    logger[level] = (message, options) => {
      if (at === null && stripVTControlCharacters(message).includes(text)) at = Date.now()
      print(message, options)
    }
  }
  return () => at
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}
