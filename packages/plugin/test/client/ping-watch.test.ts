import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { watchPing } from '../../src/client/ping-watch.js'
import type { SeenSocket } from '../../src/shared/protocol.js'
import { timing } from '../../src/shared/timing.js'

/** Just what watchPing reads of a WebSocket: its state and its events. */
class FakeSocket extends EventTarget {
  readonly CONNECTING = 0
  readyState = 0
  settle(state: 'open' | 'close'): void {
    this.readyState = state === 'open' ? 1 : 3
    this.dispatchEvent(state === 'open' ? new Event('open') : Object.assign(new Event('close'), { code: 1006 }))
  }
}

describe("Vite's restart ping, watched in the page", () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  function watch() {
    const socket = new FakeSocket()
    const hanging: SeenSocket[] = []
    const changed = vi.fn()
    watchPing(socket as unknown as WebSocket, 'ws://localhost:8080/', {
      hanging: (seen) => hanging.push(seen),
      changed,
    })
    return { socket, hanging, changed }
  }

  test.each(['open', 'close'] as const)(
    'a ping that ends in %s before it counts as hanging: nothing recorded',
    (end) => {
      const { socket, hanging, changed } = watch()
      socket.settle(end)
      vi.advanceTimersByTime(timing.pendingSocketMs * 3)
      expect(hanging).toEqual([])
      expect(changed).not.toHaveBeenCalled()
    },
  )

  test('a ping still connecting after pendingSocketMs: recorded as a hanging ping, its end told', () => {
    const { socket, hanging, changed } = watch()
    vi.advanceTimersByTime(timing.pendingSocketMs)
    expect(hanging).toEqual([expect.objectContaining({ url: 'ws://localhost:8080/', ping: true })])
    expect(hanging[0]?.hangingAt).toBeDefined()
    socket.settle('close')
    expect(hanging[0]).toMatchObject({ closeCode: 1006 })
    expect(changed).toHaveBeenCalledOnce()
  })
})
