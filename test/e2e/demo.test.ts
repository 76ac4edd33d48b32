import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
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

  // The docs show this same message from a real run: only its ports may differ from today's output.
  const page = readFileSync(new URL('docs/guide/what-it-prints.md', `file://${root}`), 'utf8')
  const documented = /# What it prints[\s\S]*?```\n([\s\S]*?)```/.exec(page)?.[1] ?? ''
  const printed = /\[hmr-doctor\] nginx drops[\s\S]*?Then reload nginx: nginx -s reload\n/.exec(text)?.[0] ?? ''
  const ports = (message: string) => message.replace(/(:|port )\d{2,5}/g, '$1<port>')
  expect(ports(documented)).toBe(ports(printed))
}, 180_000)
