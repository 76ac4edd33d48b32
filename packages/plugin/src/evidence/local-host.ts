import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import { networkInterfaces } from 'node:os'
import type { ErrorSink } from '../safe/guard.js'
import { hostnameOf } from '../vite/host-check.js'
import type { RequestSnapshot } from './evidence-types.js'

/** Names remembered (oldest forgotten first), so a flood of names costs little memory. */
const MAX_NAMES = 32
/** Lookups under way at once at most: each holds a thread of the pool Vite's file reads share, till it ends. */
const MAX_LOOKUPS = 2
/** A lookup that takes longer than this proves nothing: the name is treated as another machine's. */
export const LOOKUP_TIMEOUT_MS = 1000

/** Whether `address` is one this machine answers on: the loopback range or an interface's own address. */
export function isOwnAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '').replace(/^::ffff:(?=\d+\.)/i, '')
  if (isIP(ip) === 4 && ip.startsWith('127.')) return true
  if (ip === '::1') return true
  return Object.values(networkInterfaces()).some((entries) => entries?.some((entry) => entry.address === ip))
}

export type Resolve = (hostname: string) => Promise<readonly string[]>

const resolveAll: Resolve = async (hostname) => (await lookup(hostname, { all: true })).map((entry) => entry.address)

/**
 * Whether a Host names this very machine: an address of its own, or a name this machine resolves only to
 * its own addresses (`vite` inside its compose container). A name a proxy dials elsewhere, or one that
 * doesn't resolve here in time, doesn't.
 */
export interface LocalHostCheck {
  (host: string): Promise<boolean>
  /** The verdict already reached for `host`, without waiting: false while a lookup is under way. */
  settled(host: string): boolean
}

export function createLocalHostCheck(resolve: Resolve = resolveAll): LocalHostCheck {
  const known = new Map<string, Promise<boolean>>()
  const done = new Map<string, boolean>()
  let lookups = 0
  const check = (host: string): Promise<boolean> => {
    const hostname = hostnameOf(host)
    if (isIP(hostname.replace(/^\[|\]$/g, '')) !== 0) return Promise.resolve(isOwnAddress(hostname))
    const cached = known.get(hostname)
    if (cached) return cached
    // Past the bound the name proves nothing now, and isn't remembered: asked again later, it is looked up.
    if (lookups >= MAX_LOOKUPS) return Promise.resolve(false)
    lookups += 1
    const lookup = resolve(hostname).finally(() => {
      lookups -= 1
    })
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<readonly string[]>((done) => {
      timer = setTimeout(() => done([]), LOOKUP_TIMEOUT_MS)
      timer.unref()
    })
    const verdict = Promise.race([lookup.catch(() => []), timeout]).then((addresses) => {
      clearTimeout(timer)
      const local = addresses.length > 0 && addresses.every(isOwnAddress)
      if (known.has(hostname)) done.set(hostname, local)
      return local
    })
    known.set(hostname, verdict)
    if (known.size > MAX_NAMES) {
      const oldest = known.keys().next().value ?? ''
      known.delete(oldest)
      done.delete(oldest)
    }
    return verdict
  }
  const settled = (host: string): boolean => {
    const hostname = hostnameOf(host)
    if (isIP(hostname.replace(/^\[|\]$/g, '')) !== 0) return isOwnAddress(hostname)
    void check(host)
    return done.get(hostname) === true
  }
  return Object.assign(check, { settled })
}

/**
 * Marks a token-bearing request whose Host names this machine (`hostSource: 'local'`), then hands it on;
 * every other request is handed on as it is, at once.
 */
export function corroborateHost<T extends { request: RequestSnapshot }>(
  isLocal: LocalHostCheck,
  onEvent: (event: T) => void,
  errors: ErrorSink,
): (event: T) => void {
  return (event) => {
    const host = event.request.host
    if (!event.request.vouched || host === null) return onEvent(event)
    isLocal(host).then(
      (local) => onEvent(local ? { ...event, request: { ...event.request, hostSource: 'local' } } : event),
      (error: unknown) => {
        errors('the host lookup', error)
        onEvent(event)
      },
    )
  }
}
