import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { HISTORY_KEY } from '../../src/client/close-history.js'
import install from '../../src/client/watch.js'
import type { ClientConfig } from '../../src/shared/protocol.js'
import { timing } from '../../src/shared/timing.js'

const CONFIG: ClientConfig = {
  clientUrl: 'http://app.test/@vite/client',
  secret: 's3cret',
  serverId: 'server-1',
  notice: false,
  directFallback: true,
}

/** A socket the test opens, fails and closes by hand, as the browser would. */
class FakeSocket extends EventTarget {
  static readonly CONNECTING = 0
  readyState = 0
  constructor(readonly url: string | URL) {
    super()
  }
  send(): void {}
  open(): void {
    this.readyState = 1
    this.dispatchEvent(new Event('open'))
  }
  close(code: number): void {
    this.readyState = 3
    this.dispatchEvent(Object.assign(new Event('close'), { code }))
  }
}

let storage: Map<string, string>
let pageEvents: EventTarget
let fetched: Array<{ url: string; init: RequestInit }>

function dial(url = 'ws://app.test/?token=tok'): FakeSocket {
  const Socket = globalThis.WebSocket as unknown as new (url: string, protocols: string) => FakeSocket
  return new Socket(url, 'vite-hmr')
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] })
  storage = new Map()
  pageEvents = new EventTarget()
  fetched = []
  vi.stubGlobal('WebSocket', FakeSocket)
  vi.stubGlobal('location', { origin: 'http://app.test' })
  vi.stubGlobal('sessionStorage', {
    getItem: (key: string) => storage.get(key) ?? null,
    setItem: (key: string, value: string) => storage.set(key, value),
  })
  vi.stubGlobal('addEventListener', pageEvents.addEventListener.bind(pageEvents))
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: URL, init: RequestInit) => {
      fetched.push({ url: String(url), init })
      return new Response('{"messages":[]}')
    }),
  )
})

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

/** The doctor part's import fails here (no server): as on a page that reloads before it arrives. */
function installWatcher(): void {
  install(CONFIG)
}

function reportBodies(): unknown[] {
  return fetched.map(({ init }) => JSON.parse(String(init.body)))
}

describe('a slow but healthy handshake', () => {
  test('opens before the pending time: nothing sent, no timer left', () => {
    installWatcher()
    const socket = dial()
    vi.advanceTimersByTime(timing.pendingSocketMs - 1)
    socket.open()
    vi.advanceTimersByTime(timing.pendingSocketMs * 10)
    pageEvents.dispatchEvent(new Event('pagehide'))
    expect(fetched).toEqual([])
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('a close that makes a reload loop', () => {
  test('is reported from the watcher at once, kept alive through the reload, with the secret and the closes', () => {
    storage.set(
      HISTORY_KEY,
      JSON.stringify([{ at: Date.now() - 3000, serverId: CONFIG.serverId, openForMs: 2100, idleMs: 2000, code: 1006 }]),
    )
    installWatcher()
    const socket = dial()
    socket.open()
    vi.advanceTimersByTime(2000)
    socket.close(1006)
    expect(
      fetched.map(({ url, init }) => ({ url, keepalive: init.keepalive, headers: init.headers })),
    ).toMatchInlineSnapshot(`
        [
          {
            "headers": {
              "content-type": "application/json",
              "x-hmr-doctor-secret": "s3cret",
            },
            "keepalive": true,
            "url": "http://app.test/@vite/client?__hmr_doctor=report",
          },
        ]
      `)
    expect(reportBodies()).toMatchInlineSnapshot(`
      [
        {
          "clientOrigin": "http://app.test",
          "closes": [
            {
              "code": 1006,
              "idleMs": 2000,
              "msAgo": 5000,
              "openForMs": 2100,
            },
            {
              "code": 1006,
              "idleMs": 2000,
              "msAgo": 0,
              "openForMs": 2000,
            },
          ],
          "pageOrigin": "http://app.test",
          "sockets": [
            {
              "closeCode": 1006,
              "closedAfterMs": 2000,
              "error": null,
              "opened": true,
              "openedAfterMs": 0,
              "url": "ws://app.test/?token=…",
            },
          ],
        },
      ]
    `)
  })

  test('a single close is no loop: nothing sent', () => {
    installWatcher()
    const socket = dial()
    socket.open()
    socket.close(1006)
    expect(fetched).toEqual([])
  })
})

describe('a page left before the doctor part reported', () => {
  test('tells a whole failed story on pagehide, token removed', () => {
    installWatcher()
    dial().close(1006)
    vi.advanceTimersByTime(30)
    dial('ws://127.0.0.1:5173/?token=tok').close(1006)
    pageEvents.dispatchEvent(new Event('pagehide'))
    const [body, ...more] = reportBodies() as Array<{ sockets: Array<Record<string, unknown>>; closes: unknown[] }>
    expect(more).toEqual([])
    expect(body?.closes).toEqual([])
    expect(
      body?.sockets.map(({ url, opened, closeCode }) => `${url} opened: ${opened}, closed ${closeCode}`),
    ).toMatchInlineSnapshot(`
        [
          "ws://app.test/?token=… opened: false, closed 1006",
          "ws://127.0.0.1:5173/?token=… opened: false, closed 1006",
        ]
      `)
  })

  test('waits for a fallback still due: a half story is never sent', () => {
    installWatcher()
    dial().close(1006)
    pageEvents.dispatchEvent(new Event('pagehide'))
    expect(fetched).toEqual([])
  })
})
