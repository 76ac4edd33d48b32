import { describe, expect, test } from 'vitest'
import { couldBeAllowed, createHostCheck, hostnameOf, isHostAllowedByVite } from '../../src/vite/host-check.js'

test.each<[string, string]>([
  ['app.test', 'app.test'],
  ['app.test:8080', 'app.test'],
  ['localhost:5173', 'localhost'],
  ['127.0.0.1:80', '127.0.0.1'],
  ['[::1]', '[::1]'],
  ['[::1]:5173', '[::1]'],
  ['[fe80::1%25eth0]:443', '[fe80::1%25eth0]'],
  ['', ''],
])('hostnameOf(%j) is %j', (host, hostname) => {
  expect(hostnameOf(host)).toBe(hostname)
})

describe('createHostCheck', () => {
  test.each<{ name: string; allowedHosts: true | readonly string[]; host: string | undefined; allowed: boolean }>([
    // Node leaves Host undefined only for HTTP/1.0 requests without one; Vite lets those through.
    { name: 'no Host header', allowedHosts: [], host: undefined, allowed: true },
    { name: 'allowedHosts: true', allowedHosts: true, host: 'evil.test', allowed: true },
    { name: 'localhost with a port', allowedHosts: [], host: 'localhost:5173', allowed: true },
    { name: 'an IPv6 address with a port', allowedHosts: [], host: '[::1]:5173', allowed: true },
    { name: 'a listed host with a port', allowedHosts: ['app.test'], host: 'app.test:8080', allowed: true },
    { name: 'an unlisted host', allowedHosts: ['app.test'], host: 'evil.test', allowed: false },
    { name: 'an unlisted host with a port', allowedHosts: [], host: 'app.test:8080', allowed: false },
    { name: 'an empty Host', allowedHosts: [], host: '', allowed: false },
  ])('$name: $allowed', ({ allowedHosts, host, allowed }) => {
    expect(createHostCheck(allowedHosts)(host)).toBe(allowed)
  })

  // Caching is seen by changing the list after a verdict: a cached Host keeps its verdict, a new one does not.
  test('each Host is judged once', () => {
    const allowedHosts = ['app.test']
    const check = createHostCheck(allowedHosts)
    expect(check('app.test')).toBe(true)
    allowedHosts.length = 0
    expect(check('app.test')).toBe(true)
    expect(check('app.test:8080')).toBe(false)
  })

  test('at most 64 Hosts are cached: later ones are judged every time', () => {
    const allowedHosts = ['late.test']
    const check = createHostCheck(allowedHosts)
    for (let index = 0; index < 64; index++) expect(check(`made-up-${index}.test`)).toBe(false)
    expect(check('late.test')).toBe(true)
    allowedHosts.length = 0
    expect(check('late.test')).toBe(false)
  })

  test('a cache one short of full still takes the next Host', () => {
    const allowedHosts = ['late.test']
    const check = createHostCheck(allowedHosts)
    for (let index = 0; index < 63; index++) check(`made-up-${index}.test`)
    expect(check('late.test')).toBe(true)
    allowedHosts.length = 0
    expect(check('late.test')).toBe(true)
  })
})

// The rules of `host-validation-middleware` 0.1.4, which Vite's hostCheck.ts uses: IPs and localhost pass,
// a bracket that holds no IPv6 address fails, names compare as listed (case and `_` included).
describe("Vite's host check", () => {
  test.each<[string, readonly string[], boolean]>([
    ['web_app:5173', [], false],
    ['web_app:5173', ['web_app'], true],
    ['web_app', ['.web_app'], true],
    ['api.web_app', ['.web_app'], true],
    ['App.test', ['app.test'], false],
    ['10.0.0.1:80', [], true],
    ['999.0.0.1', [], false],
    ['[::1]:5173', [], true],
    ['[zz::1]', [], false],
    ['[::1', [], false],
    ['a.localhost', [], true],
    [' localhost ', [], true],
    ['file:whatever', [], true],
    ['chrome-extension:abc', [], true],
  ])('%j with %j: %j', (host, allowedHosts, allowed) => {
    expect(isHostAllowedByVite(host, allowedHosts)).toBe(allowed)
  })

  test.each<[string, boolean]>([
    ['web_app', true],
    ['dev-box.internal', true],
    ['app.test', true],
    ['localhost', false],
    ['app.localhost', false],
    ['10.0.0.1', false],
    ['1.2.3', false],
    ['[::1]', false],
    ["evil'.test", false],
    ['a b', false],
    ['', false],
  ])('%j could be allowed by listing it: %j', (hostname, could) => {
    expect(couldBeAllowed(hostname)).toBe(could)
  })
})
