import { expect, test } from 'vitest'
import type { RequestSnapshot } from '../../src/evidence/evidence-types.js'
import { corroborateHost, createLocalHostCheck, isOwnAddress } from '../../src/evidence/local-host.js'
import { request } from '../fixtures.js'

const NAMES: Record<string, string[]> = {
  vite: ['127.0.0.1'],
  'dual.example': ['127.0.0.1', '10.66.66.66'],
  'attacker-upstream.example': ['10.66.66.66'],
}
const resolve = async (hostname: string) => {
  const addresses = NAMES[hostname]
  if (!addresses) throw new Error('ENOTFOUND')
  return addresses
}

test.each([
  ['127.0.0.1', true],
  ['127.8.9.10', true],
  ['[::1]', true],
  ['::ffff:127.0.0.1', true],
  ['10.66.66.66', false],
  ['8.8.8.8', false],
])('isOwnAddress(%s) is %s', (address, own) => {
  expect(isOwnAddress(address)).toBe(own)
})

test.each([
  ['vite:5173', true],
  ['127.0.0.1:5173', true],
  ['[::1]:5173', true],
  ['10.66.66.66:6666', false],
  ['attacker-upstream.example:6666', false],
  ['dual.example:5173', false],
  ['unknown-name:5173', false],
])('a Host names this machine only if it resolves only to its addresses: %s is %s', async (host, local) => {
  await expect(createLocalHostCheck(resolve)(host)).resolves.toBe(local)
})

test('a settled verdict is read without waiting, and false until then', async () => {
  const check = createLocalHostCheck(resolve)
  expect(check.settled('vite:5173')).toBe(false)
  await check('vite:5173')
  expect(check.settled('vite:5173')).toBe(true)
  expect(check.settled('127.0.0.1:5173')).toBe(true)
})

test('a lookup that never answers proves nothing', async () => {
  const check = createLocalHostCheck(() => new Promise(() => {}))
  await expect(check('vite:5173')).resolves.toBe(false)
})

test('lookups that never end hold at most two at once; a name past them proves nothing and is asked again later', async () => {
  const pending: Array<() => void> = []
  const asked: string[] = []
  const check = createLocalHostCheck((hostname) => {
    asked.push(hostname)
    return new Promise((done) => pending.push(() => done(['127.0.0.1'])))
  })
  const verdicts = ['a.example:5173', 'b.example:5173', 'vite:5173'].map((host) => check(host))
  expect(asked).toEqual(['a.example', 'b.example'])
  await expect(verdicts[2]).resolves.toBe(false)
  for (const end of pending) end()
  await Promise.all(verdicts)
  const again = check('vite:5173')
  expect(asked).toEqual(['a.example', 'b.example', 'vite'])
  pending[2]?.()
  await expect(again).resolves.toBe(true)
})

test('only a token-bearing request is marked, and only when its Host names this machine', async () => {
  const seen: RequestSnapshot[] = []
  const forward = corroborateHost(
    createLocalHostCheck(resolve),
    (event: { request: RequestSnapshot }) => seen.push(event.request),
    () => {},
  )
  forward({ request: request({ host: 'vite:5173', vouched: false }) })
  forward({ request: request({ host: 'vite:5173' }) })
  forward({ request: request({ host: 'attacker-upstream.example:6666' }) })
  await expect.poll(() => seen.length).toBe(3)
  expect(seen.map((item) => [item.host, item.vouched, item.hostSource])).toEqual(
    expect.arrayContaining([
      ['vite:5173', false, undefined],
      ['vite:5173', true, 'local'],
      ['attacker-upstream.example:6666', true, undefined],
    ]),
  )
})
