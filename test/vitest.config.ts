import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A poll waits for what the page shows; a loaded machine shows it later than vitest's 1 s default.
    expect: { poll: { timeout: 10_000 } },
    // One file at a time (a browser, proxies and Vite each) unless told otherwise: run-all.mjs's end-to-end
    // pass runs two at once, its busy pass one.
    fileParallelism: false,
  },
})
