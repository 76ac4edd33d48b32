import { PREFIX } from '../shared/constants.js'
import type { BrowserMessage } from '../shared/protocol.js'
import type { RenderedFinding } from './rendered-types.js'

/** What the client snippet shows: a console group per finding and, optionally, a notice on the page. */
export function renderBrowser(rendered: RenderedFinding): BrowserMessage {
  const lines = [`Seen by Vite: ${rendered.evidence}`, ...rendered.notes]
  for (const block of [...rendered.proxy, ...(rendered.vite ? [rendered.vite] : [])]) {
    lines.push(`${block.where}:\n${block.text}`)
    if (block.caution) lines.push(block.caution)
  }
  if (rendered.proxy.length > 0 && !rendered.vite)
    lines.push(`${rendered.configFile ?? 'vite.config'}: nothing to change.`)
  if (rendered.afterwards) lines.push(rendered.afterwards)
  return { title: `${PREFIX} ${rendered.summary}`, lines }
}
