import { expect, test } from 'vitest'
import { seenUpstreamOf, vouchedUpstream } from '../../src/diagnose/queries.js'
import type { RequestSnapshot } from '../../src/evidence/evidence-types.js'
import { upstreamFor } from '../../src/render/upstream.js'
import type { ViteFacts } from '../../src/vite/vite-facts.js'
import { request, viteFacts } from '../fixtures.js'

const LOCAL = { hostSource: 'local' } as const

test.each<{ name: string; handshake: Partial<RequestSnapshot>; upstream: string | null }>([
  {
    name: "Host differs from the Origin's host and names this machine: it is nginx's $proxy_host",
    handshake: { host: 'vite:5173', origin: 'http://localhost:8080', ...LOCAL },
    upstream: 'vite:5173',
  },
  {
    name: 'the token alone vouches for no Host: anyone who loads a page holds it',
    handshake: { host: 'attacker-upstream.example:5173', origin: 'http://localhost:8080' },
    upstream: null,
  },
  {
    name: 'a Host naming this machine on another port than the one the request arrived on',
    handshake: { host: 'vite:6666', origin: 'http://localhost:8080', ...LOCAL },
    upstream: null,
  },
  {
    name: "an nginx upstream block's name has no port: not Vite's",
    handshake: { host: 'vite_upstream', origin: 'http://localhost:8080', ...LOCAL },
    upstream: null,
  },
  {
    name: "Host equals the Origin's host: the browser's, passed on",
    handshake: { host: 'localhost:8080', origin: 'http://localhost:8080', ...LOCAL },
    upstream: null,
  },
  {
    name: 'default port dropped from the Origin still compares equal',
    handshake: { host: 'app.test', origin: 'https://app.test', ...LOCAL },
    upstream: null,
  },
  { name: 'no Host', handshake: { host: null, ...LOCAL }, upstream: null },
  {
    name: 'no Origin: nothing to tell it from',
    handshake: { host: 'vite:5173', origin: null, ...LOCAL },
    upstream: 'vite:5173',
  },
  {
    name: "a handshake without this server's token vouches for no Host",
    handshake: { host: 'attacker-upstream.evil.test:6666', vouched: false, ...LOCAL },
    upstream: null,
  },
  ...["evil'; x", 'a b:80', 'x{y}:1', 'vite:99999', 'vite:0', '[zz]:80', 'a..b:80', '-a:80', '1.2.3:80'].map(
    (host) => ({ name: `a Host no config can hold: ${host}`, handshake: { host, ...LOCAL }, upstream: null }),
  ),
  { name: 'an IPv6 upstream', handshake: { host: '[::1]:5173', ...LOCAL }, upstream: '[::1]:5173' },
])('vouchedUpstream: $name', ({ handshake, upstream }) => {
  expect(vouchedUpstream(request(handshake))).toBe(upstream)
})

test.each<{ name: string; handshake: Partial<RequestSnapshot>; seen: string | undefined }>([
  {
    name: 'only the token vouches: described',
    handshake: { host: 'attacker-upstream.example:6666' },
    seen: 'attacker-upstream.example:6666',
  },
  { name: 'corroborated: printed, so not described', handshake: { host: 'vite:5173', ...LOCAL }, seen: undefined },
  { name: 'no token: neither', handshake: { host: 'vite:5173', vouched: false }, seen: undefined },
])('seenUpstreamOf: $name', ({ handshake, seen }) => {
  expect(seenUpstreamOf(request({ origin: 'http://localhost:8080', ...handshake })).seenUpstream).toBe(seen)
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
