import { expect, test } from 'vitest'
import { isViteClient, pageBeacon } from '../src/client-inject.js'

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
