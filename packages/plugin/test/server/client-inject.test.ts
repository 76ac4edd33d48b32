import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import MagicString from 'magic-string'
import { expect, test } from 'vitest'
import { isViteClient, pageBeacon, prependToClient } from '../../src/server/client-inject.js'

const CLIENT_CODE = 'const socket = new WebSocket(url, "vite-hmr")'

test.each([
  ['/app/node_modules/vite/dist/client/client.mjs', CLIENT_CODE, true],
  ['/app/node_modules/.pnpm/vite@8.3.8/node_modules/vite/dist/client/client.mjs', CLIENT_CODE, true],
  // npm aliases (`"vite": "npm:rolldown-vite@…"`, side-by-side majors) put Vite under another folder name.
  ['/app/node_modules/rolldown-vite/dist/client/client.mjs', CLIENT_CODE, true],
  ['C:\\app\\node_modules\\vite\\dist\\client\\client.mjs?v=1', CLIENT_CODE, true],
  ['/app/node_modules/other-lib/dist/client/client.mjs', 'export const client = 1', false],
  ['/app/node_modules/vite/dist/client/env.mjs', CLIENT_CODE, false],
  ['/app/src/client.mjs', CLIENT_CODE, false],
])('isViteClient(%j, …) is %s', (id, code, expected) => {
  expect(isViteClient(id, code)).toBe(expected)
})

test('the page check is tiny, runs once, and holds the secret only as a JSON string', () => {
  const secret = 'a'.repeat(24)
  const beacon = pageBeacon(secret)
  // What a healthy page carries in its HTML besides: the check and the tag around it.
  expect(`<script type="module">${beacon}</script>`.length).toBeLessThanOrEqual(300)
  expect(beacon.startsWith('self.__HMR_DOCTOR__||')).toBe(true)
  expect(beacon).toContain(JSON.stringify(secret))
})

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** The numbers of one source-map segment (base64 VLQ). */
function decodeSegment(segment: string): number[] {
  const values: number[] = []
  let value = 0
  let shift = 0
  for (const char of segment) {
    const digit = BASE64.indexOf(char)
    value += (digit & 31) << shift
    shift += 5
    if (digit & 32) continue
    values.push(value & 1 ? -(value >>> 1) : value >>> 1)
    value = 0
    shift = 0
  }
  return values
}

function inlineMap(served: string): { sources: string[]; sourcesContent: string[]; names: string[]; mappings: string } {
  const [, encoded] = served.split('\n//# sourceMappingURL=data:application/json;base64,')
  return JSON.parse(Buffer.from(encoded ?? '', 'base64').toString())
}

test("the client's source map is the one Vite makes for the client alone, with the snippet unmapped", () => {
  const viteClient = readFileSync(createRequire(import.meta.url).resolve('vite/dist/client/client.mjs'), 'utf8')
  const snippet = ';(()=>{install({serverId:"s"})})();'
  const served = prependToClient(viteClient, snippet)
  expect(served.startsWith(snippet + viteClient)).toBe(true)
  // What Vite appends to a module without a map, on every fetch (send.ts), from the text it serves.
  const alone = new MagicString(viteClient).generateMap({ source: 'client', hires: 'boundary', includeContent: true })
  const map = inlineMap(served)
  expect(map.sources).toEqual(['client'])
  expect(map.sourcesContent).toEqual([viteClient])
  expect(map.names).toEqual(alone.names)
  const [firstLine = '', ...rest] = map.mappings.split(';')
  const [aloneFirstLine = '', ...aloneRest] = alone.mappings.split(';')
  expect(rest).toEqual(aloneRest)
  // On the first line only the first segment moves, by the snippet's length; the rest are relative to it.
  const [first = '', ...others] = firstLine.split(',')
  const [aloneFirst = '', ...aloneOthers] = aloneFirstLine.split(',')
  expect(others).toEqual(aloneOthers)
  const [column, ...position] = decodeSegment(first)
  const [aloneColumn, ...alonePosition] = decodeSegment(aloneFirst)
  expect(column).toBe((aloneColumn ?? 0) + snippet.length)
  expect(position).toEqual(alonePosition)
})
