// The test suite, whole (`npm test`, what CI runs) or in the parts contributors run alone:
//   node test/run-all.mjs            lint, types, unit tests, the docs, end-to-end tests, the Docker demo, the
//                                    Vite matrix, then the end-to-end tests again with every CPU kept busy
//   node test/run-all.mjs unit       lint, types, package lint (publint, attw), the plugin's unit tests,
//                                    the docs (no Debian packages needed)
//   node test/run-all.mjs lint       Biome only
//   node test/run-all.mjs e2e        the end-to-end tests
//   node test/run-all.mjs e2e:busy   the end-to-end tests with every CPU kept busy
//   node test/run-all.mjs matrix     the core scenarios against Vite 5.4, 6, 7 and 8 (test/matrix)
//   node test/run-all.mjs docker     the Docker demo headless (`npm run demo -- --docker`), as root on Debian
// Each installs what it needs first.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { startBusyLoops } from './busy.mjs'
import { ensureSystemPackages, ensureWorkspace, fail, pnpm, pnpmSpec } from './setup.mjs'

/** The matrix's end-to-end selection: five core scenarios (test/matrix/config.ts), each in two browser modes. */
const MATRIX_CORE_TESTS = 10

const E2E_PACKAGES = ['nginx', 'chromium', 'openssl', 'haproxy', 'apache2', 'caddy']
const UNIT_INSTEAD =
  'Until then, `npm run test:unit` runs the lint, type checks and unit tests, which need none of them.'

function lint() {
  pnpm(['exec', 'biome', 'check', '.'])
}

function typeCheck() {
  for (const project of [
    'packages/plugin/tsconfig.json',
    'packages/plugin/src/client/tsconfig.json',
    'test/tsconfig.json',
    'playground/tsconfig.json',
  ]) {
    pnpm(['exec', 'tsc', '-p', project])
  }
}

/** The package as npm would publish it: publint, and the types under every resolution (attw, strict profile). */
function packageLint() {
  pnpm(['--filter', 'vite-plugin-hmr-doctor', 'run', 'lint:package'])
}

function unitTests() {
  pnpm(['--filter', 'vite-plugin-hmr-doctor', 'exec', 'vitest', 'run'])
}

/** The docs: cause pages as the renderers print them, the READMEs' links, the build (a dead link fails it). */
function docs() {
  pnpm(['exec', 'tsc', '-p', 'docs/tsconfig.json'])
  pnpm(['--filter', 'hmr-doctor-docs', 'run', 'generate:check'])
  pnpm(['--filter', 'hmr-doctor-docs', 'run', 'build'])
}

function e2e() {
  pnpm(['--filter', 'hmr-doctor-e2e', 'exec', 'vitest', 'run'])
}

/**
 * The core scenarios and the plugin's version-dependent unit tests against each supported Vite: one package
 * per major in test/matrix, each with that Vite installed and an injected copy of the plugin.
 */
function viteMatrix() {
  const fixtures = readdirSync(new URL('matrix/', import.meta.url), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name.startsWith('vite'))
    .map((entry) => entry.name)
    .sort()
  for (const fixture of fixtures) {
    const config = `matrix/${fixture}/vitest.config.ts`
    // The scenarios are chosen by test name: a renamed test must fail the run, not leave the matrix smaller.
    const listed = spawnSync(
      'npx',
      [
        '--yes',
        pnpmSpec,
        '--filter',
        'hmr-doctor-e2e',
        'exec',
        'vitest',
        'list',
        '--config',
        config,
        '--project',
        '*end to end',
        '--json',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    )
    const selected = listed.status === 0 ? JSON.parse(listed.stdout.slice(listed.stdout.indexOf('['))) : []
    if (selected.length !== MATRIX_CORE_TESTS) {
      fail(
        `${config} selects ${selected.length} end-to-end tests, not ${MATRIX_CORE_TESTS}: a core scenario was renamed or removed. Selected:\n${selected.map((test) => `  ${test.name}`).join('\n')}`,
      )
    }
    console.log(`\nThe Vite matrix: ${fixture}`)
    pnpm(['--filter', 'hmr-doctor-e2e', 'exec', 'vitest', 'run', '--config', config])
  }
}

/**
 * `npm run demo -- --docker` without its own install (done above): Vite and nginx in containers, start to
 * HMR. Images are cached by content, so only a machine's first run builds them.
 */
function dockerDemo() {
  pnpm(['--filter', 'hmr-doctor-playground', 'exec', 'tsx', 'docker/demo.ts'])
}

/** The same end-to-end tests while one bounded busy loop per CPU competes with them. */
function e2eBusy() {
  console.log('\nThe end-to-end tests again, with every CPU kept busy:')
  const stop = startBusyLoops()
  try {
    e2e()
  } finally {
    stop()
  }
}

const steps = {
  lint: { system: false, run: [lint] },
  unit: { system: false, run: [lint, typeCheck, packageLint, unitTests, docs] },
  e2e: { system: true, run: [e2e] },
  'e2e:busy': { system: true, run: [e2eBusy] },
  matrix: { system: true, run: [viteMatrix] },
  docker: { system: true, run: [dockerDemo] },
  all: { system: true, run: [lint, typeCheck, packageLint, unitTests, docs, e2e, dockerDemo, viteMatrix, e2eBusy] },
}

const mode = process.argv[2] ?? 'all'
const chosen = steps[mode]
if (!chosen) fail(`Unknown part "${mode}": one of ${Object.keys(steps).join(', ')}`)
if (chosen.system) ensureSystemPackages(E2E_PACKAGES, UNIT_INSTEAD)
ensureWorkspace()
for (const step of chosen.run) step()
