import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify, stripVTControlCharacters } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { freePort, openPage, runCli, waitFor } from '../harness/index.js'
import { useScenario } from '../harness/scenario.js'

// The package exactly as a user installs it: packed, installed from the tarball into projects outside this
// workspace (so nothing resolves through it), type-checked, and run by Vite's own CLI behind nginx.

const exec = promisify(execFile)
const root = new URL('../../', import.meta.url).pathname
const pluginDir = join(root, 'packages/plugin')
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'))
const pnpmSpec: string = readJson(join(root, 'package.json')).packageManager
/** The versions this workspace runs, so a user's project here matches what the other tests use. */
const workspace = readJson(join(root, 'package.json')).devDependencies as Record<string, string>
const viteVersion: string = readJson(join(root, 'node_modules/vite/package.json')).version

const CONFIG = `import { defineConfig } from 'vite'
import hmrDoctor from 'vite-plugin-hmr-doctor'

export default defineConfig({
  plugins: [hmrDoctor()],
})
`
const SUMMARY = '[hmr-doctor] nginx drops the WebSocket upgrade'
/** A CommonJS config as a project without "type": "module" may write it: the package's export is the factory. */
const CJS_CONFIG = `const hmrDoctor = require('vite-plugin-hmr-doctor')

module.exports = { plugins: [hmrDoctor()] }
`

/** The pages whose shell blocks a user copies: every command in them runs below, on the tarball. */
const DOCUMENTED = ['README.md', 'docs/guide/getting-started.md', 'packages/plugin/README.md']
/** Put on the line before a shell block whose commands run in this repository, not in a user's project. */
const REPO_MARK = '<!-- in this repository -->'

interface DocumentedCommand {
  file: string
  command: string
  inRepo: boolean
}

/** Each line of each sh/bash/shell block of `file`, without comments, and whether it is marked for the repo. */
function shellCommands(file: string): DocumentedCommand[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n')
  const commands: DocumentedCommand[] = []
  let block: { inRepo: boolean } | null = null
  let previous = ''
  for (const line of lines) {
    if (block === null && /^```(sh|bash|shell)\b/.test(line)) block = { inRepo: previous.trim() === REPO_MARK }
    else if (block !== null && line.startsWith('```')) block = null
    else if (block !== null) {
      const command = line.replace(/(^|\s)#.*$/, '').trim()
      if (command) commands.push({ file, command, inRepo: block.inRepo })
    }
    if (line.trim()) previous = line
  }
  return commands
}
const documented = DOCUMENTED.flatMap(shellCommands)

/** A user's project: ES modules ("type": "module") or CommonJS (no "type"), with both config files. */
const PROJECTS = { esm: { type: 'module' }, cjs: {} } as const
type ProjectKind = keyof typeof PROJECTS

let dir: string
let tarball: string
let tarballFiles: string[]

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hmr-doctor-package-'))
  await exec('npx', ['--yes', pnpmSpec, 'pack', '--pack-destination', dir], { cwd: pluginDir })
  const name = readdirSync(dir).find((file) => file.endsWith('.tgz'))
  if (!name) throw new Error(`pnpm pack left no tarball in ${dir}`)
  tarball = join(dir, name)
  tarballFiles = (await exec('tar', ['-tzf', tarball])).stdout.split('\n').filter(Boolean)

  // One install outside the workspace; each project below is a folder of its own with its own package.json.
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'user-install',
      private: true,
      devDependencies: {
        '@types/node': workspace['@types/node'],
        typescript: workspace.typescript,
        vite: viteVersion,
        'vite-plugin-hmr-doctor': `file:${tarball}`,
      },
    }),
  )
  await exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir })
  for (const [kind, fields] of Object.entries(PROJECTS)) {
    const project = join(dir, kind)
    mkdirSync(project)
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: `user-${kind}`, private: true, ...fields }))
    writeFileSync(join(project, 'vite.config.ts'), CONFIG)
    writeFileSync(join(project, 'vite.config.js'), CONFIG)
    writeFileSync(join(project, 'vite.config.cjs'), CJS_CONFIG)
    writeFileSync(join(project, 'index.html'), '<!doctype html>\n<script type="module" src="/main.js"></script>\n')
    writeFileSync(join(project, 'main.js'), 'document.body.append("hello")\n')
    for (const resolution of ['bundler', 'nodenext'] as const) {
      writeFileSync(
        join(project, `tsconfig.${resolution}.json`),
        JSON.stringify({
          compilerOptions: {
            module: resolution === 'bundler' ? 'esnext' : 'nodenext',
            moduleResolution: resolution,
            target: 'es2022',
            strict: true,
            noEmit: true,
            allowJs: true,
            checkJs: true,
            types: ['node'],
          },
          files: ['vite.config.ts', 'vite.config.js'],
        }),
      )
    }
  }
}, 300_000)

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

test('the tarball holds the built client, both entries with their types, the CLI, the README and the LICENSE', () => {
  for (const file of [
    'package/package.json',
    'package/README.md',
    'package/LICENSE',
    'package/dist/client.iife.js',
    'package/dist/index.js',
    'package/dist/index.d.ts',
    'package/dist/index.cjs',
    'package/dist/index.d.cts',
    'package/dist/cli.js',
    'package/bin/hmr-doctor.js',
  ]) {
    expect(tarballFiles).toContain(file)
  }
  expect(readFileSync(join(dir, 'node_modules/vite-plugin-hmr-doctor/LICENSE'), 'utf8')).toBe(
    readFileSync(join(root, 'LICENSE'), 'utf8'),
  )
})

const scenario = useScenario()

/** Vite's own CLI in `project`, with `config`, on a free port; its output as the user's terminal shows it. */
async function viteCli(project: string, config: string) {
  const port = await freePort()
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(dir, 'node_modules/vite/bin/vite.js'),
      '--config',
      config,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--strictPort',
    ],
    { cwd: project, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  )
  let output = ''
  child.stdout?.on('data', (chunk) => (output += chunk))
  child.stderr?.on('data', (chunk) => (output += chunk))
  scenario.defer(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  })
  const text = () => stripVTControlCharacters(output)
  // A Vite that exits (a config it cannot load) fails the test at once, with what it printed.
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`vite exited with ${code}:\n${text()}`))),
  )
  exited.catch(() => {})
  await Promise.race([
    exited,
    waitFor(`Vite to listen on ${port} (${config})`, () => text().includes(`:${port}/`), 30_000),
  ])
  return { port, text }
}

describe.each(Object.keys(PROJECTS) as ProjectKind[])('a user project of kind %s', (kind) => {
  test.each(['bundler', 'nodenext'])(
    'its vite.config.ts and vite.config.js type-check with moduleResolution %s',
    async (resolution) => {
      const tsc = join(dir, 'node_modules/typescript/bin/tsc')
      // tsc prints its errors on stdout: they become the failure's message.
      await exec(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`], { cwd: join(dir, kind) }).catch(
        (error: { stdout?: string }) => {
          throw new Error(`tsc -p tsconfig.${resolution}.json in the ${kind} project:\n${error.stdout}`)
        },
      )
    },
    // tsc reads all of Vite's types, bound by CPU: a busy machine stretches it past the default timeout.
    180_000,
  )

  test.each(['vite.config.ts', 'vite.config.js', 'vite.config.cjs'])(
    'with %s, behind a bare nginx proxy_pass, prints the diagnosis',
    async (config) => {
      const vite = await viteCli(join(dir, kind), config)
      const { origin } = await scenario.nginx({ upstream: `127.0.0.1:${vite.port}` })
      await openPage(await scenario.context('proxy-only'), `${origin}/`)
      await waitFor(`"${SUMMARY}" in Vite's output`, () => vite.text().includes(SUMMARY), 15_000).catch(() => {
        throw new Error(`no diagnosis in Vite's output:\n${vite.text()}`)
      })
      expect(vite.text()).not.toMatch(/ESM only|require\(\) of ES Module|failed to load config/i)
    },
  )
})

test('both bins (hmr-doctor, vite-plugin-hmr-doctor), run with npx in a user project, diagnoses Vite behind nginx; the plugin entry never loads ws', async () => {
  const project = join(dir, 'esm')
  const vite = await viteCli(project, 'vite.config.ts')
  const { origin } = await scenario.nginx({ upstream: `127.0.0.1:${vite.port}` })
  const run = await runCli(['check', `${origin}/`], { command: ['npx', '--no', 'hmr-doctor'], cwd: project })
  // npx may warn about its own settings on stderr; the CLI itself says nothing there on a check it made.
  expect(run.stderr).not.toContain('[hmr-doctor]')
  expect(run.stdout).toContain(SUMMARY)
  expect(run.stdout).toContain(`proxy_pass http://127.0.0.1:${vite.port};`)
  expect(run.code).toBe(1)
  // --project: the same fix, now from the project's own vite.config as its own Vite resolves it. The project
  // holds both configs; like a bare `vite`, it reads the one Vite looks for first.
  const read = await runCli(['check', `${origin}/`, '--project'], {
    command: ['npx', '--no', 'vite-plugin-hmr-doctor'],
    cwd: project,
  })
  expect(read.stdout).toContain(`Vite's settings come from ${join(project, 'vite.config.js')} (Vite `)
  expect(read.stdout).toContain(`proxy_pass http://127.0.0.1:${vite.port};`)
  expect(read.code).toBe(1)
  // Only the CLI dials sockets: a vite.config that loads the plugin must not pay for the ws package.
  const installed = join(dir, 'node_modules/vite-plugin-hmr-doctor/dist')
  const importers = readdirSync(installed, { recursive: true, encoding: 'utf8' }).filter(
    (file) =>
      /\.c?js$/.test(file) && /from ['"]ws['"]|require\(['"]ws['"]\)/.test(readFileSync(join(installed, file), 'utf8')),
  )
  expect(importers).toEqual(['cli.js'])
})

test("require('vite-plugin-hmr-doctor') is the plugin's factory, with its named export and default beside it", async () => {
  const script = `
const hmrDoctor = require('vite-plugin-hmr-doctor')
const plugin = hmrDoctor()
console.log(JSON.stringify([plugin.name, hmrDoctor.hmrDoctor === hmrDoctor, hmrDoctor.default === hmrDoctor]))
`
  const { stdout } = await exec(process.execPath, ['-e', script], { cwd: join(dir, 'cjs') })
  expect(JSON.parse(stdout)).toEqual(['vite-plugin-hmr-doctor', true, true])
})

test('npx vite-plugin-hmr-doctor --version prints the packed version, alone', async () => {
  // As the README writes it: `npx --no <bin> --version` would print npm's own version instead.
  const run = await runCli(['--version'], { command: ['npx', 'vite-plugin-hmr-doctor'], cwd: join(dir, 'esm') })
  expect(run).toMatchObject({ code: 0, stdout: `${readJson(join(pluginDir, 'package.json')).version}\n` })
})

test('the shell blocks of the README and the docs are found, and the repository ones name its own scripts', () => {
  expect(documented.map(({ command }) => command)).toEqual(
    expect.arrayContaining(['npm install -D vite-plugin-hmr-doctor', 'npx vite-plugin-hmr-doctor --help']),
  )
  const scripts = readJson(join(root, 'package.json')).scripts as Record<string, string>
  for (const { command } of documented.filter(({ inRepo }) => inRepo)) {
    const script = /^npm (?:run (\S+)|(test))$/.exec(command)
    expect(script, `${command}: a repository command the docs show is one of its npm scripts`).not.toBeNull()
    expect(Object.keys(scripts)).toContain(script?.[1] ?? script?.[2])
  }
})

describe.each(DOCUMENTED)('each command %s shows, run in a user project on the tarball', (file) => {
  const commands = documented.filter((entry) => entry.file === file && !entry.inRepo).map(({ command }) => command)
  test.each(commands)('%s', async (command) => {
    const words = command.split(/\s+/)
    const install = /^npm (?:install|i) (-D|--save-dev) vite-plugin-hmr-doctor$/.test(command)
    if (install) {
      // The package by its name is the registry's copy: the tarball stands in for it, on the same command.
      const args = [...words.slice(1, -1), `file:${tarball}`, '--prefer-offline', '--no-audit', '--no-fund']
      await exec('npm', args, { cwd: dir })
      expect(readJson(join(dir, 'node_modules/vite-plugin-hmr-doctor/package.json')).version).toBe(
        readJson(join(pluginDir, 'package.json')).version,
      )
      return
    }
    expect(words.slice(0, 2), `${command}: a command this test knows how to run`).toEqual([
      'npx',
      'vite-plugin-hmr-doctor',
    ])
    const project = join(dir, 'esm')
    const args = words.slice(2)
    const url = args.find((arg) => /^https?:\/\//.test(arg))
    // A URL in the docs stands for the user's dev server: a real Vite, started here, takes its place.
    const vite = url === undefined ? null : await viteCli(project, 'vite.config.ts')
    const target = vite === null ? null : `http://127.0.0.1:${vite.port}${new URL(url ?? '/', 'http://x').pathname}`
    const run = await runCli(
      args.map((arg) => (arg === url && target !== null ? target : arg)),
      { command: ['npx', 'vite-plugin-hmr-doctor'], cwd: project },
    )
    expect(run.stderr).not.toContain('[hmr-doctor]')
    expect(run.code, run.stdout).toBe(0)
    if (target !== null) expect(run.stdout).toContain(`[hmr-doctor] checked ${target}`)
    else expect(run.stdout).toMatch(/^(Usage: vite-plugin-hmr-doctor |\d+\.\d+\.\d+\n$)/)
  })
})
