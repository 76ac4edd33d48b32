import { describe, expect, test } from 'vitest'
import { createHostCheck, hostnameOf } from '../src/host-check.js'

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
