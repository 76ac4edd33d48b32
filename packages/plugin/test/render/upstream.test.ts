import { expect, test } from 'vitest'
import { vouchedUpstream } from '../../src/diagnose/queries.js'
import type { RequestSnapshot } from '../../src/evidence/evidence-types.js'
import { upstreamFor } from '../../src/render/upstream.js'
import type { ViteFacts } from '../../src/vite/vite-facts.js'
import { request, viteFacts } from '../fixtures.js'

test.each<{ name: string; handshake: Partial<RequestSnapshot>; upstream: string | null }>([
  {
    name: "Host differs from the Origin's host: it is nginx's $proxy_host",
    handshake: { host: 'vite:5173', origin: 'http://localhost:8080' },
    upstream: 'vite:5173',
  },
  {
    name: "an nginx upstream block's name has no port",
    handshake: { host: 'vite_upstream', origin: 'http://localhost:8080' },
    upstream: 'vite_upstream',
  },
  {
    name: "Host equals the Origin's host: the browser's, passed on",
    handshake: { host: 'localhost:8080', origin: 'http://localhost:8080' },
    upstream: null,
  },
  {
    name: 'default port dropped from the Origin still compares equal',
    handshake: { host: 'app.test', origin: 'https://app.test' },
    upstream: null,
  },
  { name: 'no Host', handshake: { host: null }, upstream: null },
  { name: 'no Origin: nothing to tell it from', handshake: { host: 'vite:5173', origin: null }, upstream: 'vite:5173' },
  {
    name: "a handshake without this server's token vouches for no Host",
    handshake: { host: 'attacker-upstream.evil.test:6666', vouched: false },
    upstream: null,
  },
  ...["evil'; x", 'a b:80', 'x{y}:1', 'vite:99999', 'vite:0', '[zz]:80', 'a..b:80', '-a:80', '1.2.3:80'].map(
    (host) => ({ name: `a Host no config can hold: ${host}`, handshake: { host }, upstream: null }),
  ),
  { name: 'an IPv6 upstream', handshake: { host: '[::1]:5173' }, upstream: '[::1]:5173' },
])('vouchedUpstream: $name', ({ handshake, upstream }) => {
  expect(vouchedUpstream(request(handshake))).toBe(upstream)
})

test.each<{
  name: string
  vouched: string | null
  facts?: ViteFacts
  localPort?: number | null
  upstream: string | null
}>([
  { name: 'a vouched-for Host wins', vouched: 'vite:5173', upstream: 'vite:5173' },
  { name: 'otherwise where Vite listens', vouched: null, upstream: '127.0.0.1:5173' },
  {
    name: 'no listen address (middleware mode): the port the request arrived on',
    vouched: null,
    facts: viteFacts({ listen: null }),
    localPort: 3000,
    upstream: '127.0.0.1:3000',
  },
  {
    name: 'nothing known: no upstream, so no proxy block',
    vouched: null,
    facts: viteFacts({ listen: null }),
    localPort: null,
    upstream: null,
  },
])('upstreamFor: $name', ({ vouched, facts = viteFacts(), localPort = null, upstream }) => {
  expect(upstreamFor(vouched, facts, localPort)).toBe(upstream)
})
