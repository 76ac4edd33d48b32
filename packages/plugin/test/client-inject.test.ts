import { expect, test } from 'vitest'
import { isViteClient } from '../src/client-inject.js'

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
