import { expect, test } from 'vitest'
import { isHostAllowedByVite } from '../../src/vite/host-check.js'

test.each<[string, true | readonly string[], boolean]>([
  ['127.0.0.1', [], true],
  ['192.168.1.20', [], true],
  ['[::1]', [], true],
  ['[fe80::1]', [], true],
  ['localhost', [], true],
  ['sub.localhost', [], true],
  ['localhost.evil.test', [], false],
  ['app.test', [], false],
  ['app.test', ['app.test'], true],
  ['www.app.test', ['app.test'], false],
  ['example.com', ['.example.com'], true],
  ['a.example.com', ['.example.com'], true],
  ['a.b.example.com', ['.example.com'], true],
  ['badexample.com', ['.example.com'], false],
  ['example.com.evil', ['.example.com'], false],
  ['anything.test', true, true],
])('isHostAllowedByVite(%j, %j) is %s', (hostname, allowedHosts, allowed) => {
  expect(isHostAllowedByVite(hostname, allowedHosts)).toBe(allowed)
})
