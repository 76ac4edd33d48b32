import type { ClientReport, Evidence, ServerEvent } from './types.js'

const MAX_ITEMS = 64
const MAX_AGE_MS = 60_000

/** Recent observations, bounded in count and age so a busy or hostile browser can't grow it. */
export class EvidenceStore {
  #events: ServerEvent[] = []
  #reports: ClientReport[] = []

  addEvent(event: ServerEvent): void {
    this.#events.push(event)
    if (this.#events.length > MAX_ITEMS) this.#events.shift()
  }

  addReport(report: ClientReport): void {
    this.#reports.push(report)
    if (this.#reports.length > MAX_ITEMS) this.#reports.shift()
  }

  snapshot(now: number): Evidence {
    const recent = (at: number) => now - at <= MAX_AGE_MS
    this.#events = this.#events.filter((event) => recent(event.request.at))
    this.#reports = this.#reports.filter((report) => recent(report.at))
    return { now, events: [...this.#events], reports: [...this.#reports] }
  }
}
