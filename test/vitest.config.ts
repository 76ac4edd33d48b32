import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One real browser, nginx and Vite at a time: two cores, and timings that must not starve.
    fileParallelism: false,
  },
})
