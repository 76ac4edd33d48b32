// The test suite, whole (`npm test`, what CI runs) or in the parts contributors run alone:
//   node test/run-all.mjs            lint, types, unit tests, the docs, end-to-end tests, the Docker demo, the
//                                    Vite matrix, then the timing-bound end-to-end files again with every CPU
//                                    kept busy
//   node test/run-all.mjs unit       lint, types, package lint (publint, attw), the plugin's unit tests,
//                                    the docs (no Debian packages needed)
//   node test/run-all.mjs lint       Biome only
//   node test/run-all.mjs e2e        the end-to-end tests, two files at a time
//   node test/run-all.mjs e2e:busy   the end-to-end files whose verdicts hang on timing (BUSY_FILES), one at a
//                                    time, with every CPU kept busy
//   node test/run-all.mjs matrix     the core scenarios against Vite 5.4, 6, 7 and 8 (test/matrix), two
//                                    versions at a time
//   node test/run-all.mjs docker     the Docker demo headless (`npm run demo -- --docker`), as root on Debian
// Each installs what it needs first.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startBusyLoops } from './busy.mjs'
import { ensureSystemPackages, ensureWorkspace, fail, pnpm, pnpmSpec } from './setup.mjs'

/** The matrix's end-to-end selection: five core scenarios (test/matrix/config.ts), each in two browser modes. */
const MATRIX_CORE_TESTS = 10
/** The matrix's unit files: the wiring check and the plugin's four that start Vite or read its config. */
const MATRIX_UNIT_FILES = 5

/** Test files run at once in the end-to-end pass (three left one idle loop unsaid for a minute: see the contributing guide). */
const E2E_PARALLEL = 2
/** Vite versions at once in the matrix, each one file at a time. */
const MATRIX_PARALLEL = 2

/**
 * The end-to-end files the busy pass runs again, each for what a slow machine can break there. The rest
 * assert on what the proxies and Vite answer, which CPU load doesn't change.
 */
const BUSY_FILES = {
  'idle-timeout.test.ts': "the reload loop, named from the browser's own timing of each close and reload",
  'haproxy.test.ts': "the same loop under HAProxy's timeouts, and the printed timeout tunnel holding",
  'tls.test.ts': "a ws.path fallback Vite never answers, closed as Vite stops: a race with the page's report",
  'healthy.test.ts': "silence: a socket that opens late on a slow machine is no failure within the doctor's grace",
  'subprotocol-stripped.test.ts': 'a handshake the hop holds, named only once it has been pending long enough',
  'hop-answers.test.ts': "the failed socket's probe of what answers there, bounded by the report's cap",
  'restarts.test.ts': 'a page left open through restarts: closes and reconnects that load spreads out, and no alarm',
}

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
  pnpm(['--filter', 'hmr-doctor-e2e', 'exec', 'vitest', 'run', '--fileParallelism', `--maxWorkers=${E2E_PARALLEL}`])
}

/** `pnpm args` in the background; resolves with its exit code and everything it printed. */
function pnpmLater(args) {
  return new Promise((resolve) => {
    const child = spawn('npx', ['--yes', pnpmSpec, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('error', (error) => resolve({ code: 1, output: `${output}\n${error.message}` }))
    child.on('close', (code, signal) => resolve({ code: code ?? signal, output }))
  })
}

/** What a matrix run covered, from its vitest JSON report: end-to-end tests passed, other files run. */
function matrixCoverage(report) {
  const { testResults } = JSON.parse(readFileSync(report, 'utf8'))
  const endToEnd = testResults.filter((file) => file.name.includes('/test/e2e/'))
  return {
    endToEnd: endToEnd.flatMap((file) => file.assertionResults).filter((test) => test.status === 'passed').length,
    unitFiles: testResults.length - endToEnd.length,
  }
}

/**
 * The core scenarios and the plugin's version-dependent unit tests against each supported Vite: one package
 * per major in test/matrix, each with that Vite installed and an injected copy of the plugin. Two versions
 * run at once, each one file at a time; each one's output is printed whole when it ends.
 */
async function viteMatrix() {
  const fixtures = readdirSync(new URL('matrix/', import.meta.url), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name.startsWith('vite'))
    .map((entry) => entry.name)
    .sort()
  const reports = mkdtempSync(join(tmpdir(), 'hmr-doctor-matrix-'))
  const failed = []
  const runOne = async (fixture) => {
    const config = `matrix/${fixture}/vitest.config.ts`
    const report = join(reports, `${fixture}.json`)
    const { code, output } = await pnpmLater([
      '--filter',
      'hmr-doctor-e2e',
      'exec',
      'vitest',
      'run',
      '--config',
      config,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ])
    console.log(`\nThe Vite matrix: ${fixture}\n${output}`)
    if (code !== 0) {
      failed.push(`${config} exited with ${code}`)
      return
    }
    // Chosen by test name and file name: a renamed test or file must fail the run, not leave the matrix smaller.
    const { endToEnd, unitFiles } = matrixCoverage(report)
    if (endToEnd !== MATRIX_CORE_TESTS || unitFiles !== MATRIX_UNIT_FILES) {
      failed.push(
        `${config} passed ${endToEnd} end-to-end tests (not ${MATRIX_CORE_TESTS}) and ran ${unitFiles} unit files (not ${MATRIX_UNIT_FILES}): a core scenario or a unit file in test/matrix/config.ts was renamed or removed`,
      )
    }
  }
  const queue = [...fixtures]
  await Promise.all(
    Array.from({ length: MATRIX_PARALLEL }, async () => {
      for (let fixture = queue.shift(); fixture !== undefined; fixture = queue.shift()) await runOne(fixture)
    }),
  )
  rmSync(reports, { recursive: true, force: true })
  if (failed.length > 0) fail(failed.join('\n'))
}

/**
 * `npm run demo -- --docker` without its own install (done above): Vite and nginx in containers, start to
 * HMR. Images are cached by content, so only a machine's first run builds them.
 */
function dockerDemo() {
  pnpm(['--filter', 'hmr-doctor-playground', 'exec', 'tsx', 'docker/demo.ts'])
}

/** The timing-bound end-to-end files again, one at a time, while one bounded busy loop per CPU competes. */
function e2eBusy() {
  const files = Object.keys(BUSY_FILES)
  const missing = files.filter((file) => !existsSync(new URL(`e2e/${file}`, import.meta.url)))
  if (missing.length > 0) fail(`BUSY_FILES names files that don't exist: ${missing.join(', ')}`)
  console.log(`\nThe timing-bound end-to-end files again, with every CPU kept busy: ${files.join(', ')}`)
  const stop = startBusyLoops()
  try {
    pnpm(['--filter', 'hmr-doctor-e2e', 'exec', 'vitest', 'run', ...files.map((file) => `e2e/${file}`)])
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
for (const step of chosen.run) await step()
