import { spawn } from 'node:child_process'
import { stripVTControlCharacters } from 'node:util'
import { expect, test } from 'vitest'

const root = new URL('../../', import.meta.url).pathname

test('the README demo command reaches "HMR works" headless, on real nginx and Chromium', async () => {
  const child = spawn('npm', ['run', 'demo', '--', '--headless'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  const text = stripVTControlCharacters(output)
  expect(text, text).toContain('[hmr-doctor] nginx drops the WebSocket upgrade')
  expect(text).toContain("✔ The page shows the doctor's notice")
  expect(text).toContain('✔ HMR works through nginx: the edit reached the page without a reload.')
  expect(code).toBe(0)
}, 180_000)
