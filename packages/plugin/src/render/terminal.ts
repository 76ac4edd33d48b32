import colors from 'picocolors'
import { PREFIX } from '../shared/constants.js'
import type { ConfigBlock, RenderedFinding } from './rendered-types.js'

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((line) => (line ? by + line : line))
    .join('\n')
}

function block(config: ConfigBlock): string[] {
  const lines = ['', `  ${colors.cyan(`${config.where}:`)}`, '', colors.green(indent(config.text, '    '))]
  if (config.caution) lines.push('', `  ${colors.yellow(config.caution)}`)
  return lines
}

/** The terminal message for one finding: what, the evidence, then exactly what to paste and where. */
export function renderTerminal(rendered: RenderedFinding): string {
  const lines = [`${colors.yellow(PREFIX)} ${colors.bold(rendered.summary)}`]
  lines.push(`  ${colors.dim('seen:')} ${rendered.evidence}`)
  for (const note of rendered.notes) lines.push(`  ${note}`)
  for (const config of rendered.proxy) lines.push(...block(config))
  if (rendered.vite) lines.push(...block(rendered.vite))
  else if (rendered.proxy.length > 0)
    lines.push('', `  ${colors.cyan(`${rendered.configFile ?? 'vite.config'}:`)} nothing to change.`)
  if (rendered.afterwards) lines.push(`  ${rendered.afterwards}`)
  return lines.join('\n')
}
