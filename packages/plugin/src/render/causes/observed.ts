import type { HopAnswer, ReportedSocket } from '../../shared/protocol.js'
import { timing } from '../../shared/timing.js'
import { seconds } from '../notes.js'

/** A browser-measured time as the report gave it: milliseconds while they are what matters. */
function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : seconds(ms)
}

/** What answered the socket's URL over plain HTTP, as the page's probe saw it: only what it read. */
function hopAnswered(hop: HopAnswer): string {
  const status = hop.status === null ? '' : ` ${hop.status}`
  const server = hop.server === null ? '' : ` (Server: ${hop.server})`
  switch (hop.kind) {
    case 'vite-page':
      return `answered${status} with Vite's page`
    case 'upgrade-required':
      return `answered${status} Upgrade Required`
    case 'other':
      return `answered${status}${server}`
    case 'redirect':
      return 'answered with a redirect'
    case 'unreadable':
      return 'answered something this page may not read (cross-origin)'
    case 'no-answer':
      return 'could not be reached'
    case 'timeout':
      return `didn't answer within ${seconds(timing.reportCapMs)}`
  }
}

/**
 * What the browser was told about a socket that never opened, and what answered its URL, as clauses that
 * each restate one field of the page's report.
 */
export function toldAbout(socket: ReportedSocket): string[] {
  const told: string[] = []
  if (socket.error !== null) told.push(`the browser refused to dial it (${socket.error})`)
  else if (socket.closeCode !== null) {
    const after = socket.closedAfterMs === null ? '' : ` after ${duration(socket.closedAfterMs)}`
    told.push(`it closed with code ${socket.closeCode}${after}, never open`)
  }
  if (socket.hop) told.push(`asked over plain HTTP, that URL ${hopAnswered(socket.hop)}`)
  return told
}
