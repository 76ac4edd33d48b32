import type { Logger } from 'vite'
import type { ReportResponse } from './client/protocol.js'
import { type DiagnoseContext, diagnose, findingKey } from './diagnose/diagnose.js'
import type { Finding } from './diagnose/types.js'
import { EvidenceStore } from './evidence/store.js'
import type { ClientReport, ServerEvent } from './evidence/types.js'
import { renderBrowser } from './render/browser.js'
import { renderFinding } from './render/finding.js'
import { renderTerminal } from './render/terminal.js'
import type { RenderedFinding } from './render/types.js'
import { timing } from './timing.js'

const MAX_PRINTED = 32

export interface DoctorOptions {
  logger: Pick<Logger, 'warn'>
  context: () => DiagnoseContext
  /** Acts on fresh findings before they are shown; returns true when that changed the context. */
  act?: (findings: Finding[]) => boolean
  now?: () => number
}

/** Joins evidence, diagnosis and rendering; prints each distinct finding once per server. */
export function createDoctor({ logger, context, act, now = Date.now }: DoctorOptions) {
  const store = new EvidenceStore()
  const printed = new Set<string>()
  // One timer, however many requests ask for a diagnosis: it runs once the last of them has settled.
  let timer: ReturnType<typeof setTimeout> | undefined
  let dueAt = 0

  /** One diagnosis, rendered: what both the terminal and the browser are told. */
  const examine = (): Array<{ finding: Finding; rendered: RenderedFinding }> => {
    let current = context()
    let found = diagnose(store.snapshot(now()), current)
    if (act?.(found)) {
      current = context()
      found = diagnose(store.snapshot(now()), current)
    }
    return found.map((finding) => ({ finding, rendered: renderFinding(finding, current.facts) }))
  }

  const printNew = (results: ReturnType<typeof examine>): void => {
    for (const { finding, rendered } of results) {
      const key = findingKey(finding)
      // A bounded memory of what was said: past it, requests made up to vary a finding go unprinted.
      if (printed.has(key) || printed.size >= MAX_PRINTED) continue
      printed.add(key)
      logger.warn(renderTerminal(rendered))
    }
  }

  const later = (delayMs: number): void => {
    dueAt = Math.max(dueAt, Date.now() + delayMs)
    if (timer !== undefined) return
    const fire = (): void => {
      const wait = dueAt - Date.now()
      timer = wait > 0 ? setTimeout(fire, wait) : undefined
      timer?.unref()
      if (timer === undefined) printNew(examine())
    }
    timer = setTimeout(fire, delayMs)
    timer.unref()
  }

  return {
    observe(event: ServerEvent): void {
      store.addEvent(event)
      // An accepted socket is the healthy end of a story; everything else may start one worth telling.
      if (event.kind === 'client-served') later(context().socketGraceMs)
      else if (event.kind !== 'hmr-socket') later(timing.fallbackSettleMs)
    },
    report(report: ClientReport): ReportResponse {
      store.addReport(report)
      const results = examine()
      printNew(results)
      return { messages: results.map(({ rendered }) => renderBrowser(rendered)) }
    },
    close(): void {
      clearTimeout(timer)
      timer = undefined
    },
  }
}

export type Doctor = ReturnType<typeof createDoctor>
