import { expect, test } from 'vitest'
import { NEVER_ARRIVED, terminal, viteFacts } from '../fixtures.js'

test('with server.hmr: false every finding says HMR is off on purpose, and why it is diagnosed anyway', () => {
  const text = terminal(NEVER_ARRIVED, viteFacts({ hmrDisabled: true }))
  expect(text).toContain(
    "server.hmr is false in this config: Vite's client still dials this socket (full reloads come over it), so it is diagnosed all the same; with the socket fixed, removing hmr: false brings hot updates back.",
  )
  expect(terminal(NEVER_ARRIVED, viteFacts())).not.toContain('server.hmr is false')
})
