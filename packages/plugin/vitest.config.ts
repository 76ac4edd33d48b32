import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // The node-level tests import dist/ and serve dist/client.iife.js, so they must run against a fresh build.
    globalSetup: ['test/global-setup.ts'],
  },
})
