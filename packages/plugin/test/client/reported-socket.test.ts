import { describe, expect, test } from 'vitest'
import { toReportedSocket } from '../../src/client/reported-socket.js'

describe('a watched socket, as the report says it', () => {
  const seen = { url: 'ws://app.test/hmr?token=Zx8_abcdEFGH&x=1', at: 1000.25 }

  test.each([
    {
      name: 'opened: times from its creation, rounded; the token never leaves the page',
      socket: { ...seen, openedAt: 1012.6 },
      expected: { opened: true, closeCode: null, openedAfterMs: 12, closedAfterMs: null, error: null },
    },
    {
      name: 'failed without opening',
      socket: { ...seen, closedAt: 1030, closeCode: 1006 },
      expected: { opened: false, closeCode: 1006, openedAfterMs: null, closedAfterMs: 30, error: null },
    },
    {
      name: 'refused by the browser: the error named, cut to 200 characters',
      socket: { ...seen, thrown: { error: new DOMException('x'.repeat(300), 'SecurityError') } },
      expected: {
        opened: false,
        closeCode: null,
        openedAfterMs: null,
        closedAfterMs: null,
        error: `SecurityError: ${'x'.repeat(185)}`,
      },
    },
    {
      name: 'still connecting past the pending time: hanging, with its age then',
      socket: { ...seen, hangingAt: 2000.4 },
      expected: {
        opened: false,
        closeCode: null,
        openedAfterMs: null,
        closedAfterMs: null,
        error: null,
        hangingAfterMs: 1000,
      },
    },
    {
      name: 'called hanging, then opened after all: no longer hanging',
      socket: { ...seen, hangingAt: 2000, openedAt: 2500 },
      expected: { opened: true, closeCode: null, openedAfterMs: 1500, closedAfterMs: null, error: null },
    },
    {
      name: 'refused with something that is no Error',
      socket: { ...seen, thrown: { error: 'nope' } },
      expected: {
        opened: false,
        closeCode: null,
        openedAfterMs: null,
        closedAfterMs: null,
        error: 'constructor threw',
      },
    },
  ])('$name', ({ socket, expected }) => {
    expect(toReportedSocket(socket, undefined)).toEqual({ url: 'ws://app.test/hmr?token=…&x=1', ...expected })
  })

  test('what answered its URL goes with it', () => {
    const hop = { kind: 'other' as const, status: 502, server: 'nginx' }
    expect(toReportedSocket({ ...seen, closedAt: 1001, closeCode: 1006 }, hop).hop).toEqual(hop)
  })
})
