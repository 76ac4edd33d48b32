// The whole test suite, as CI runs it: installs what it needs, then checks, unit tests, end-to-end tests.
import { ensureSystemPackages, ensureWorkspace, pnpm } from './setup.mjs'

ensureSystemPackages(['nginx', 'chromium', 'openssl', 'haproxy', 'apache2', 'caddy'])
ensureWorkspace()
pnpm(['exec', 'biome', 'check', '.'])
pnpm(['exec', 'tsc', '-p', 'packages/plugin/tsconfig.json'])
pnpm(['exec', 'tsc', '-p', 'packages/plugin/src/client/tsconfig.json'])
pnpm(['exec', 'tsc', '-p', 'test/tsconfig.json'])
pnpm(['exec', 'tsc', '-p', 'playground/tsconfig.json'])
pnpm(['--filter', 'vite-plugin-hmr-doctor', 'exec', 'vitest', 'run'])
pnpm(['--filter', 'hmr-doctor-e2e', 'exec', 'vitest', 'run'])
