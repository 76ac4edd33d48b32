import { expect, test } from 'vitest'
import { isHmrProtocol, readMessages } from '../src/client/client.js'

test.each<[string | string[] | undefined, boolean]>([
  ['vite-hmr', true],
  [['vite-hmr'], true],
  [['graphql-ws', 'vite-hmr'], true],
  ['vite-ping', false],
  [['vite-ping'], false],
  ['vite-hmr, vite-ping', false],
  ['VITE-HMR', false],
  [[], false],
  ['', false],
  [undefined, false],
])('isHmrProtocol(%j) is %s', (protocols, expected) => {
  expect(isHmrProtocol(protocols)).toBe(expected)
})

const message = { title: '[hmr-doctor] nginx drops the WebSocket upgrade', lines: ['Seen by Vite: GET /', 'fix'] }

test.each<{ name: string; data: unknown; expected: unknown[] }>([
  { name: 'null', data: null, expected: [] },
  { name: 'undefined', data: undefined, expected: [] },
  { name: 'a string', data: 'messages', expected: [] },
  { name: 'a number', data: 1, expected: [] },
  { name: 'a list of messages, not wrapped', data: [message], expected: [] },
  { name: 'an object without messages', data: {}, expected: [] },
  { name: 'messages not a list', data: { messages: message }, expected: [] },
  { name: 'an empty list', data: { messages: [] }, expected: [] },
  { name: 'one message', data: { messages: [message] }, expected: [message] },
  {
    name: 'a message with no lines',
    data: { messages: [{ title: 't', lines: [] }] },
    expected: [{ title: 't', lines: [] }],
  },
  {
    name: 'entries that are not objects are dropped',
    data: { messages: [null, 'text', 3, [message], message] },
    expected: [message],
  },
  {
    name: 'entries with a non-string line are dropped',
    data: { messages: [{ title: 't', lines: ['a', 2] }, { title: 't', lines: ['a', null] }, message] },
    expected: [message],
  },
  {
    name: 'entries with a bad title or lines are dropped',
    data: {
      messages: [{ title: 1, lines: [] }, { lines: ['a'] }, { title: 't' }, { title: 't', lines: 'a' }, message],
    },
    expected: [message],
  },
])('readMessages: $name', ({ data, expected }) => {
  expect(readMessages(data)).toEqual(expected)
})
