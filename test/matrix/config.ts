import { readFileSync, realpathSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ViteUserConfig } from 'vitest/config'

const repo = fileURLToPath(new URL('../../', import.meta.url))

/** The scenarios every supported Vite must pass, by the names of their tests. */
const CORE_SCENARIOS = [
  // The seed case, in both browser modes.
  'nginx with a bare proxy_pass',
  // The host check.
  'a Host Vite refuses',
  // The idle timeout.
  'the reload loop is diagnosed with the measured timeout; the printed nginx lines',
  // A healthy setup.
  'healthy setups stay silent, .* browser nginx forwarding the upgrade',
  // One TLS case.
  'TLS ends at nginx, .* browser with no HMR settings',
]

/**
 * The vitest config that runs the core end-to-end scenarios, and the plugin's unit tests that start Vite or
 * read its config, against the Vite installed in the matrix package at `fixture`. Vitest itself runs on the
 * workspace's Vite; every import of `vite` by the tests, the harness and the plugin is the fixture's:
 * `vite` and the plugin are aliased to the fixture's copies, and the plugin there is an injected copy whose
 * own `vite` is the fixture's (pnpm resolves an injected package's peers per consumer).
 */
export function matrixConfig(fixture: URL): ViteUserConfig {
  const dir = fileURLToPath(fixture)
  const expected: string = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).devDependencies.vite
  const vite = realpathSync(join(dir, 'node_modules/vite'))
  const plugin = realpathSync(join(dir, 'node_modules/vite-plugin-hmr-doctor'))
  return {
    root: repo,
    resolve: {
      alias: [
        { find: /^vite$/, replacement: join(vite, 'dist/node/index.js') },
        { find: /^vite-plugin-hmr-doctor$/, replacement: join(plugin, 'dist/index.js') },
      ],
    },
    test: {
      env: {
        HMR_DOCTOR_SCRATCH: join(dir, '.tmp'),
        HMR_DOCTOR_MATRIX_VITE: expected,
        HMR_DOCTOR_MATRIX_PLUGIN: plugin,
      },
      testTimeout: 60_000,
      hookTimeout: 60_000,
      expect: { poll: { timeout: 10_000 } },
      // As in the main end-to-end run: one browser, proxy and Vite at a time.
      fileParallelism: false,
      projects: [
        {
          extends: true,
          test: {
            name: `vite ${expected}, unit`,
            include: [
              'test/matrix/wiring.test.ts',
              'packages/plugin/test/{evidence/report-endpoint,server/sockets-off,vite/vite-facts,server/client-inject}.test.ts',
            ],
          },
        },
        {
          extends: true,
          test: {
            name: `vite ${expected}, end to end`,
            include: ['test/e2e/{upgrade-stripped,handshake-classes,idle-timeout,healthy,tls}.test.ts'],
            // Vitest 4 applies a project's own testNamePattern (`vitest list` shows the ten tests), though
            // its project type leaves the option out.
            ...{ testNamePattern: new RegExp(CORE_SCENARIOS.join('|')) },
          },
        },
      ],
    },
  }
}
