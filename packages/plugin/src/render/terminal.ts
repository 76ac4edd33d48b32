import colors from 'picocolors'
import type { RenderedFinding } from './types.js'

export const PREFIX = '[hmr-doctor]'

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((line) => (line ? by + line : line))
    .join('\n')
}

/** The terminal message for one finding: what, the evidence, then exactly what to paste and where. */
export function renderTerminal(rendered: RenderedFinding): string {
  const lines = [`${colors.yellow(PREFIX)} ${colors.bold(rendered.summary)}`]
  lines.push(`  ${colors.dim('seen:')} ${rendered.evidence}`)
  for (const note of rendered.notes) lines.push(`  ${note}`)
  for (const block of rendered.proxy) {
    lines.push('', `  ${colors.cyan(`${block.where}:`)}`, '', colors.green(indent(block.text, '    ')))
  }
  if (rendered.proxy.length > 0 || rendered.vite) {
    if (rendered.vite) {
      lines.push(
        '',
        `  ${colors.cyan(`${rendered.vite.where}:`)}`,
        '',
        colors.green(indent(rendered.vite.text, '    ')),
      )
    } else {
      lines.push('', `  ${colors.cyan('vite.config:')} nothing to change.`)
    }
  }
  if (rendered.afterwards) lines.push(`  ${rendered.afterwards}`)
  return lines.join('\n')
}
