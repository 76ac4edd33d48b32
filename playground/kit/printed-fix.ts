/**
 * The configuration blocks a doctor message tells the user to paste, keyed by where they go
 * ("nginx, inside http {}"), read from the terminal output exactly as printed (colours stripped).
 * The latest message wins when a heading repeats.
 */
export function printedBlocks(output: string): Map<string, string> {
  const lines = output.split('\n')
  const blocks = new Map<string, string>()
  for (let index = 0; index < lines.length; index += 1) {
    const heading = /^ {2}(\S.*):$/.exec(lines[index] ?? '')
    if (!heading?.[1] || lines[index + 1] !== '') continue
    const body: string[] = []
    let cursor = index + 2
    while (cursor < lines.length && (lines[cursor] ?? '').startsWith('    ')) {
      body.push((lines[cursor] ?? '').slice(4))
      cursor += 1
    }
    if (body.length > 0) blocks.set(heading[1], body.join('\n'))
  }
  return blocks
}

/** The block printed for `where`, or an error that shows what was printed instead. */
export function printedBlock(output: string, where: string): string {
  const block = printedBlocks(output).get(where)
  if (block === undefined) throw new Error(`no block printed for "${where}" in:\n${output}`)
  return block
}
