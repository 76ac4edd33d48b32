import { expect, test } from 'vitest'
import { cleanText } from '../../src/safe/sanitize.js'
import { redactToken } from '../../src/shared/redact-token.js'

test.each<{ name: string; input: string; max?: number; output: string }>([
  { name: 'plain text is unchanged', input: 'GET / HTTP/1.1', output: 'GET / HTTP/1.1' },
  { name: 'non-ASCII letters and symbols stay', input: 'héllo ✓ 日本', output: 'héllo ✓ 日本' },
  { name: 'colour codes go whole', input: '\u001b[31mred\u001b[0m', output: 'red' },
  { name: 'cursor moves go whole', input: 'a\u001b[2J\u001b[1;1Hb', output: 'ab' },
  {
    name: 'an OSC title or link goes whole',
    input: 'a\u001b]0;pwned\u0007b\u001b]8;;http://x\u001b\\c',
    output: 'abc',
  },
  { name: 'C1 CSI goes whole', input: '\u009b2Jx', output: 'x' },
  { name: 'the Arabic letter mark goes', input: 'a\u061cb', output: 'ab' },
  { name: 'a cut never splits a surrogate pair', input: '😀😀😀', max: 2, output: '😀…' },
  { name: 'CR, LF and TAB go', input: 'a\r\nb\tc', output: 'abc' },
  { name: 'NUL, BEL and DEL go', input: 'a\u0000b\u0007c\u007fd', output: 'abcd' },
  { name: 'line and paragraph separators go', input: 'a\u2028b\u2029c', output: 'abc' },
  { name: 'bidi embeddings and overrides go', input: '\u202aa\u202bb\u202cc\u202dd\u202ee', output: 'abcde' },
  { name: 'bidi isolates go', input: '\u2066a\u2067b\u2068c\u2069', output: 'abc' },
  { name: 'LRM and RLM go', input: 'a\u200eb\u200fc', output: 'abc' },
  { name: 'exactly at the cap is unchanged', input: 'abcd', max: 4, output: 'abcd' },
  { name: 'over the cap ends in an ellipsis, within the cap', input: 'abcdef', max: 4, output: 'abc…' },
  { name: 'the default cap is 200', input: 'x'.repeat(201), output: `${'x'.repeat(199)}…` },
  { name: 'unprintables do not count toward the cap', input: `${'\u001b'.repeat(10)}abc`, max: 3, output: 'abc' },
  { name: 'empty stays empty', input: '', output: '' },
])('cleanText: $name', ({ input, max, output }) => {
  expect(cleanText(input, max)).toBe(output)
})

test.each([
  ['/?token=abc', '/?token=…'],
  ['ws://localhost:5173/?token=abc', 'ws://localhost:5173/?token=…'],
  ['/?a=1&token=abc&b=2', '/?a=1&token=…&b=2'],
  ['/?token=abc#frag', '/?token=…#frag'],
  ['/?token=', '/?token=…'],
  ['/?token=a&token=b', '/?token=…&token=…'],
  ['/?xtoken=abc', '/?xtoken=abc'],
  ['/token=abc', '/token=abc'],
  ['/?a=1', '/?a=1'],
  ['/', '/'],
])('redactToken(%j) is %j', (input, output) => {
  expect(redactToken(input)).toBe(output)
})
