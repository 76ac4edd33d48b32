import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import MagicString from 'magic-string'
import { expect, test } from 'vitest'
import { boundaryMap } from '../../src/server/client-map.js'

/** What Vite appends to a module without a map: magic-string's, with `offset` characters prepended. */
function viteMap(code: string, offset: number): string {
  const text = new MagicString(code)
  if (offset > 0) text.prepend('x'.repeat(offset))
  return text.generateMap({ source: 'client', hires: 'boundary', includeContent: true }).toString()
}

const viteClient = readFileSync(createRequire(import.meta.url).resolve('vite/dist/client/client.mjs'), 'utf8')

test.each([
  ['empty', ''],
  ['one word', 'socket'],
  ['words and punctuation', 'const socket = new WebSocket(url, "vite-hmr");'],
  ['lines, blank ones, indentation', 'a\n\n  b.c(d)\n\t\te_f  g\n'],
  ['no trailing newline, long numbers', 'x = 123456789012345 + 0x1f\ny'],
  ['non-ASCII and astral characters', 'const café = "naïve 🚀 ✓"\n// ünïcödé'],
  ['carriage returns', 'a\r\nb\r\n'],
  ["Vite's own client", viteClient],
])('%s: the same map as Vite makes, with and without a prefix', (_, code) => {
  for (const offset of [0, 1, 37, 5000]) expect(boundaryMap(code, 'client', offset)).toBe(viteMap(code, offset))
})
