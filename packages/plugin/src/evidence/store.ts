import { timing } from '../shared/timing.js'
import type { ClientReport, Evidence, PageReport, ServerEvent } from './evidence-types.js'

/** Per source: a flood of one kind can only push out its own kind. */
const MAX_EVENTS = 64
const MAX_REPORTS = 16
const MAX_AGE_MS = timing.evidenceMs

function push<T>(items: T[], item: T, max: number): void {
  items.push(item)
  if (items.length > max) items.shift()
}

/**
 * Recent observations, bounded in count and age (a server event lives as long as any report it preceded). Evidence with provenance (requests that carried this
 * server's HMR token, reports that carried the snippet's secret) and unauthenticated requests are kept
 * apart, so junk can evict only junk.
 */
export class EvidenceStore {
  #vouched: ServerEvent[] = []
  #unauthenticated: ServerEvent[] = []
  #reports: ClientReport[] = []
  #pages: PageReport[] = []

  addEvent(event: ServerEvent): void {
    push(event.request.vouched ? this.#vouched : this.#unauthenticated, event, MAX_EVENTS)
  }

  addReport(report: ClientReport): void {
    push(this.#reports, report, MAX_REPORTS)
  }

  addPage(page: PageReport): void {
    push(this.#pages, page, MAX_REPORTS)
  }

  snapshot(now: number): Evidence {
    const recent = (at: number) => now - at <= MAX_AGE_MS
    this.#reports = this.#reports.filter((report) => recent(report.at))
    this.#pages = this.#pages.filter((page) => recent(page.at))
    // What the server saw before a report explains it: kept while the report is, so no finding is ever drawn
    // from a report whose handshake was forgotten.
    const explains = (at: number) =>
      [...this.#reports, ...this.#pages].some((report) => report.at >= at && report.at - at <= MAX_AGE_MS)
    const kept = (event: ServerEvent) => recent(event.request.at) || explains(event.request.at)
    this.#vouched = this.#vouched.filter(kept)
    this.#unauthenticated = this.#unauthenticated.filter(kept)
    const events = [...this.#vouched, ...this.#unauthenticated].sort((a, b) => a.request.at - b.request.at)
    return { now, events, reports: [...this.#reports], pages: [...this.#pages] }
  }
}
