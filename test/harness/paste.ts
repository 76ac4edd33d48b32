/**
 * Edits a config the way a printed "where" says: replacing one line in place, or removing the printed
 * lines. Each throws when the config doesn't hold what the message says is there, so a wrong "where"
 * fails the test instead of being papered over.
 */

const trimmed = (line: string) => line.trim()

/** Replaces the one line matching `line` with `printed` (one or more lines), at that line's indent. */
export function replaceLine(config: string, line: RegExp, printed: string): string {
  const lines = config.split('\n')
  const hits = lines.flatMap((text, index) => (line.test(text) ? [index] : []))
  const [hit] = hits
  if (hit === undefined || hits.length !== 1) throw new Error(`expected one line matching ${line} in:\n${config}`)
  const indent = /^\s*/.exec(lines[hit] ?? '')?.[0] ?? ''
  lines.splice(hit, 1, ...printed.split('\n').map((text) => indent + text))
  return lines.join('\n')
}

/** Removes every printed line from the config; each must be there. */
export function removeLines(config: string, printed: string): string {
  const remove = printed.split('\n').map(trimmed)
  const lines = config.split('\n')
  for (const line of remove) {
    if (!lines.some((text) => trimmed(text) === line)) throw new Error(`"${line}" is not in:\n${config}`)
  }
  return lines.filter((text) => !remove.includes(trimmed(text))).join('\n')
}
