import { expect, test } from 'vitest'
import { hmrDoctor } from '../src/index.js'
import { type HmrDoctorOptions, type ResolvedOptions, resolveOptions } from '../src/options.js'
import { timing } from '../src/shared/timing.js'

// Only the options this file covers; the keepalive option is resolved alongside and tested with keepalive.
test.each<{ options: HmrDoctorOptions | undefined; resolved: Pick<ResolvedOptions, 'notice' | 'socketGraceMs'> }>([
  { options: undefined, resolved: { notice: true, socketGraceMs: timing.socketGraceMs } },
  { options: {}, resolved: { notice: true, socketGraceMs: timing.socketGraceMs } },
  { options: { notice: false }, resolved: { notice: false, socketGraceMs: timing.socketGraceMs } },
  { options: { socketGraceMs: 1 }, resolved: { notice: true, socketGraceMs: 1 } },
  { options: { socketGraceMs: 0.5 }, resolved: { notice: true, socketGraceMs: 0.5 } },
])('resolveOptions($options)', ({ options, resolved }) => {
  expect(resolveOptions(options)).toMatchObject(resolved)
})

test.each([0, -1, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
  'socketGraceMs %s is refused with a TypeError naming the option',
  (socketGraceMs) => {
    expect(() => resolveOptions({ socketGraceMs })).toThrow(TypeError)
    expect(() => resolveOptions({ socketGraceMs })).toThrow(/socketGraceMs/)
  },
)

test('the plugin refuses a bad option when it is created, not when the server starts', () => {
  expect(() => hmrDoctor({ socketGraceMs: 0 })).toThrow(
    new TypeError('[hmr-doctor] socketGraceMs must be a positive number of milliseconds, got 0'),
  )
})
