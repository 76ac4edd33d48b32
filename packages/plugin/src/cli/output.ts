import { stripVTControlCharacters } from 'node:util'
import colors from 'picocolors'
import { renderTerminal } from '../render/terminal.js'
import { PREFIX } from '../shared/constants.js'
import type { CheckResult } from './check.js'

/** The JSON a check prints with `--json` (schema documented in docs/cli-json.md; `schemaVersion` bumps on a change). */
export interface CheckJson {
  schemaVersion: 1
  url: string | null
  result: 'healthy' | 'diagnosed' | 'error'
  exitCode: 0 | 1 | 2
  error: string | null
  hops: Array<Omit<CheckResult['hops'][number], 'text'>>
  findings: Array<{
    cause: string
    summary: string
    seen: string
    notes: string[]
    proxy: Array<{ where: string; text: string; caution: string | null }>
    vite: { where: string; text: string; caution: string | null } | null
    afterwards: string | null
  }>
  assumed: string[]
  notes: string[]
}

export function exitCodeOf(result: CheckResult): 0 | 1 {
  return result.findings.length > 0 ? 1 : 0
}

export function toJson(result: CheckResult): CheckJson {
  const exitCode = exitCodeOf(result)
  const block = (config: { where: string; text: string; caution?: string }) => ({
    where: config.where,
    text: config.text,
    caution: config.caution ?? null,
  })
  return {
    schemaVersion: 1,
    url: result.url,
    result: exitCode === 0 ? 'healthy' : 'diagnosed',
    exitCode,
    error: null,
    hops: result.hops.map(({ text: _text, ...hop }) => hop),
    findings: result.findings.map((finding) => ({
      cause: finding.cause,
      summary: finding.summary,
      seen: finding.evidence,
      notes: finding.notes,
      proxy: finding.proxy.map(block),
      vite: finding.vite ? block(finding.vite) : null,
      afterwards: finding.afterwards,
    })),
    assumed: result.assumed,
    notes: result.notes,
  }
}

export function errorJson(url: string | null, message: string): CheckJson {
  return {
    schemaVersion: 1,
    url,
    result: 'error',
    exitCode: 2,
    error: message,
    hops: [],
    findings: [],
    assumed: [],
    notes: [],
  }
}

/** The terminal text: each hop, then each finding exactly as the plugin prints it, or the healthy line. */
export function toText(result: CheckResult, useColor: boolean): string {
  const lines = result.hops.map((hop) => `  ${colors.dim(`${hop.step}:`)} ${hop.text}`)
  const out = [`${colors.yellow(PREFIX)} checked ${result.url}`, ...lines, '']
  for (const finding of result.findings) out.push(renderTerminal(finding), '')
  if (result.findings.length === 0) out.push(`${colors.green(PREFIX)} HMR works through ${result.url}`, '')
  for (const note of result.notes) out.push(`  ${note}`)
  if (result.assumed.length > 0) {
    out.push(`  ${colors.dim('assumed:')}`, ...result.assumed.map((line) => `  - ${line}`))
  }
  const text = `${out.join('\n').trimEnd()}\n`
  return useColor ? text : stripVTControlCharacters(text)
}
