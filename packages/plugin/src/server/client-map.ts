const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** One Base64 VLQ field of a source map segment (sign in the lowest bit, 5 bits per digit). */
function vlq(value: number): string {
  let rest = value < 0 ? (-value << 1) | 1 : value << 1
  let out = ''
  do {
    const digit = rest & 31
    rest >>>= 5
    out += BASE64[rest > 0 ? digit | 32 : digit]
  } while (rest > 0)
  return out
}

const WORD = /\w/

/**
 * The source map Vite generates for a module without one (magic-string's `hires: 'boundary'`), with `offset`
 * unmapped characters in front; `client-map.test.ts` holds it to magic-string's bytes.
 */
export function boundaryMap(code: string, source: string, offset: number): string {
  const lines: string[] = []
  let segments: string[] = []
  let column = offset
  let sourceLine = 0
  let sourceColumn = 0
  // Every field but the generated column is relative to the previous segment in the whole map.
  let lastLine = 0
  let lastColumn = 0
  let lastGenerated = 0
  let inWord = false
  for (let index = 0; index < code.length; index++) {
    const char = code[index] as string
    if (char === '\n') {
      lines.push(segments.join(','))
      segments = []
      column = 0
      sourceLine += 1
      sourceColumn = 0
      inWord = false
      continue
    }
    const word = WORD.test(char)
    if (!word || !inWord) {
      // The generated column alone starts again on each line.
      const previous = segments.length === 0 ? 0 : lastGenerated
      segments.push(`${vlq(column - previous)}A${vlq(sourceLine - lastLine)}${vlq(sourceColumn - lastColumn)}`)
      lastGenerated = column
      lastLine = sourceLine
      lastColumn = sourceColumn
    }
    inWord = word
    column += 1
    sourceColumn += 1
  }
  lines.push(segments.join(','))
  return JSON.stringify({
    version: 3,
    sources: [source],
    sourcesContent: [code],
    names: [],
    mappings: lines.join(';'),
  })
}
