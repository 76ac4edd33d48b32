import { readFileSync, realpathSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { version } from 'vite'
import { expect, test } from 'vitest'

const plugin = process.env.HMR_DOCTOR_MATRIX_PLUGIN ?? ''
const built = new URL('../../packages/plugin/dist/', import.meta.url)

test('the Vite matrix: the tests import the Vite this package installs', () => {
  expect(version).toBe(process.env.HMR_DOCTOR_MATRIX_VITE)
})

test('the Vite matrix: the plugin under test imports that same Vite', () => {
  // Resolved from the plugin's own folder, as Node resolves its `import 'vite'`.
  const viteJson = createRequire(join(plugin, 'package.json')).resolve('vite/package.json')
  expect(JSON.parse(readFileSync(realpathSync(viteJson), 'utf8')).version).toBe(version)
})

test('the Vite matrix: the plugin under test is the latest build (pnpm run build syncs it)', () => {
  for (const file of ['index.js', 'index.cjs', 'client.iife.js']) {
    expect(readFileSync(join(plugin, 'dist', file), 'utf8'), file).toBe(readFileSync(new URL(file, built), 'utf8'))
  }
})
