import { expect, test } from 'vitest'
import type { Finding } from '../../src/diagnose/finding-types.js'
import { isPagesOwn, type ReportingPage } from '../../src/server/own-findings.js'

const VITE = 'http://localhost:5173'
const BACKEND = 'http://localhost:8000'

const misdirected: Finding = {
  cause: 'socket-misdirected',
  clientOrigin: VITE,
  socketUrl: 'ws://localhost:24678/',
  opened: false,
  error: null,
  settings: null,
  fallback: 'unknown',
}

const neverArrived: Finding = {
  cause: 'socket-never-arrived',
  pageOrigin: BACKEND,
  socketUrl: 'ws://localhost:8000/',
  fallback: 'unknown',
}

test.each<[string, Finding, ReportingPage, boolean]>([
  [
    "a backend's page that loads Vite's client from Vite",
    misdirected,
    { origin: BACKEND, clientOrigin: VITE, url: null },
    true,
  ],
  ['a page on Vite’s own origin', misdirected, { origin: VITE, clientOrigin: null, url: null }, true],
  ['another page', misdirected, { origin: 'http://attacker.example', clientOrigin: null, url: null }, false],
  ['the page the finding names', neverArrived, { origin: BACKEND, clientOrigin: VITE, url: null }, true],
  [
    'another page naming the same client',
    neverArrived,
    { origin: 'http://attacker.example', clientOrigin: VITE, url: null },
    false,
  ],
])('%s: %j', (_name, finding, page, own) => {
  expect(isPagesOwn(finding, page)).toBe(own)
})
