import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { createReportGate, hasFailed } from '../../src/client/report-gate.js'
import type { SeenSocket } from '../../src/shared/protocol.js'

const CAP_MS = 1000

const dialled = (): SeenSocket => ({ url: 'ws://app.test/?token=t', at: 0 })
const opened = (): SeenSocket => ({ ...dialled(), openedAt: 5 })
const failed = (): SeenSocket => ({ ...dialled(), closedAt: 5, closeCode: 1006 })
const refused = (): SeenSocket => ({ ...dialled(), thrown: { error: new Error('mixed content') } })

function gateOver(sockets: SeenSocket[], directFallback = true) {
  const send = vi.fn()
  const gate = createReportGate({ sockets, directFallback, capMs: CAP_MS, send })
  return { gate, send }
}

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
})

describe('a healthy page', () => {
  test('reports nothing and starts no timer, however often a socket changes', () => {
    const sockets = [opened()]
    const { gate, send } = gateOver(sockets)
    for (let i = 0; i < 5; i++) gate.check()
    sockets.push(dialled())
    gate.check()
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(CAP_MS * 10)
    expect(send).not.toHaveBeenCalled()
  })
})

describe('a failed socket with Vite’s direct fallback due', () => {
  test('waits for the fallback, then reports the moment it fails, and stops its timer', () => {
    const sockets = [failed()]
    const { gate, send } = gateOver(sockets)
    gate.check()
    expect(send).not.toHaveBeenCalled()
    // Vite's client dials the fallback from its own close listener, after the watcher's.
    const fallback = dialled()
    sockets.push(fallback)
    vi.advanceTimersByTime(0)
    expect(send).not.toHaveBeenCalled()
    Object.assign(fallback, { closedAt: 20, closeCode: 1006 })
    gate.check()
    expect(send).toHaveBeenCalledTimes(1)
    expect(vi.getTimerCount()).toBe(0)
  })

  test('reports the moment the fallback opens', () => {
    const sockets = [failed(), dialled()]
    const { gate, send } = gateOver(sockets)
    gate.check()
    expect(send).not.toHaveBeenCalled()
    sockets[1] = opened()
    gate.check()
    expect(send).toHaveBeenCalledTimes(1)
  })

  test.each([
    { name: 'a fallback that never settles', sockets: () => [failed(), dialled()] },
    { name: 'a fallback that never comes (Vite configured otherwise than the page thinks)', sockets: () => [failed()] },
  ])('$name: reports at the cap, not a millisecond before', ({ sockets }) => {
    const { gate, send } = gateOver(sockets())
    gate.check()
    vi.advanceTimersByTime(CAP_MS - 1)
    expect(send).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(send).toHaveBeenCalledTimes(1)
  })
})

describe('no fallback to wait for', () => {
  test('Vite dials none (a port is configured): the first failure is reported at once', () => {
    const { gate, send } = gateOver([failed()], false)
    gate.check()
    expect(send).toHaveBeenCalledTimes(1)
    expect(vi.getTimerCount()).toBe(0)
  })

  test('the browser refused to dial (the constructor threw): reported at once, Vite has no fallback for it', () => {
    const { gate, send } = gateOver([refused()])
    gate.check()
    expect(send).toHaveBeenCalledTimes(1)
  })

  test("the page's CSP refused the URL (the socket stays connecting): reported at once, no fallback follows", () => {
    const { gate, send } = gateOver([{ ...dialled(), refused: true }])
    gate.check()
    expect(send).toHaveBeenCalledTimes(1)
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('one report per page', () => {
  test('checks after the report, the cap passing, and later failures send nothing more', () => {
    const sockets = [failed()]
    const { gate, send } = gateOver(sockets, false)
    gate.check()
    sockets.push(failed())
    gate.check()
    gate.fire()
    vi.advanceTimersByTime(CAP_MS * 2)
    expect(send).toHaveBeenCalledTimes(1)
  })

  test('a reload loop reports at once through fire(), and the sockets settling after add nothing', () => {
    const sockets = [opened()]
    const { gate, send } = gateOver(sockets)
    gate.fire()
    expect(send).toHaveBeenCalledTimes(1)
    sockets.push(failed())
    gate.check()
    vi.advanceTimersByTime(CAP_MS * 2)
    expect(send).toHaveBeenCalledTimes(1)
  })

  test('fire() while waiting for the fallback reports once and cancels the cap', () => {
    const { gate, send } = gateOver([failed()])
    gate.check()
    gate.fire()
    expect(send).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(CAP_MS * 2)
    expect(send).toHaveBeenCalledTimes(1)
  })
})

describe('a handshake held past the pending time', () => {
  const hanging = (): SeenSocket => ({ ...dialled(), hangingAt: 1000 })

  test('is reported at once: Vite dials no fallback for a socket that never closed', () => {
    const { gate, send } = gateOver([hanging()])
    gate.check()
    expect(send).toHaveBeenCalledTimes(1)
  })

  test.each<[string, SeenSocket, boolean]>([
    ['still hanging', hanging(), true],
    ['called hanging, then opened: only slow', { ...hanging(), openedAt: 1500 }, false],
    ['called hanging, then closed unopened', { ...hanging(), closedAt: 1500, closeCode: 1006 }, true],
    ['opened', opened(), false],
    ['merely dialling', dialled(), false],
  ])('a socket %s: failed is %s, as the report checks it again before it goes out', (_name, socket, expected) => {
    expect(hasFailed(socket)).toBe(expected)
  })

  test('a socket merely dialling is no failure: nothing sent, no timer', () => {
    const { gate, send } = gateOver([dialled()])
    gate.check()
    expect(vi.getTimerCount()).toBe(0)
    expect(send).not.toHaveBeenCalled()
  })
})
