import { EventEmitter } from 'node:events'
import type { ViteDevServer } from 'vite'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { createKeepalive } from '../../src/server/keepalive.js'

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
})

/** Vite's `server.ws` as the keepalive uses it: connection events, and `send`. */
function fakeWs(send: () => void) {
  const events = new EventEmitter()
  return {
    ws: { on: events.on.bind(events), send } as unknown as ViteDevServer['ws'],
    connect() {
      const socket = new EventEmitter()
      events.emit('connection', socket)
      return socket
    },
  }
}

test('pings each connected client at the interval, and only while one is connected', () => {
  const send = vi.fn()
  const { ws, connect } = fakeWs(send)
  const keepalive = createKeepalive(ws, 1000, () => {})
  vi.advanceTimersByTime(5000)
  expect(send).not.toHaveBeenCalled()
  const socket = connect()
  vi.advanceTimersByTime(3000)
  expect(send).toHaveBeenCalledTimes(3)
  socket.emit('close')
  vi.advanceTimersByTime(3000)
  expect(send).toHaveBeenCalledTimes(3)
  keepalive.close()
})

test('a ping that throws is handed to the error sink; the dev server carries on', () => {
  const errors: unknown[] = []
  const { ws, connect } = fakeWs(() => {
    throw new Error('socket gone')
  })
  const keepalive = createKeepalive(ws, 1000, (_where, error) => errors.push(error))
  connect()
  expect(() => vi.advanceTimersByTime(2000)).not.toThrow()
  expect(errors).toEqual([new Error('socket gone'), new Error('socket gone')])
  keepalive.close()
})

test('enabled while a client is connected: a first ping at once, then at the interval', () => {
  const send = vi.fn()
  const { ws, connect } = fakeWs(send)
  const keepalive = createKeepalive(ws, null, () => {})
  connect()
  vi.advanceTimersByTime(5000)
  expect(send).not.toHaveBeenCalled()
  keepalive.enable(1000)
  expect(send).toHaveBeenCalledTimes(1)
  vi.advanceTimersByTime(1000)
  expect(send).toHaveBeenCalledTimes(2)
  keepalive.close()
})

test('enabled with no client connected: no ping until one is, and then at the interval', () => {
  const send = vi.fn()
  const { ws, connect } = fakeWs(send)
  const keepalive = createKeepalive(ws, null, () => {})
  keepalive.enable(1000)
  expect(send).not.toHaveBeenCalled()
  connect()
  vi.advanceTimersByTime(1000)
  expect(send).toHaveBeenCalledTimes(1)
  keepalive.close()
})
