// Builds the package: the browser watcher as one self-contained line and the part it loads on a failure,
// the server side as one ES module and once more as one CommonJS file for projects whose vite.config is
// loaded with require (no "type": "module"), and the types with tsc, for each.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { build } from 'vite'

// Built aside and swapped in at the end: a Vite or test reading dist/ meanwhile (the demo rebuilds during
// the end-to-end pass) sees the old build or the new one, never none.
const STAGING = `dist-${process.pid}`
const dist = new URL(`./${STAGING}/`, import.meta.url)
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'))
rmSync(dist, { recursive: true, force: true })
process.on('exit', () => rmSync(dist, { recursive: true, force: true }))

/** A browser bundle for modern browsers, minified, into dist/. */
function buildBrowser(lib, target = 'es2020') {
  return build({
    configFile: false,
    logLevel: 'warn',
    build: { outDir: STAGING, emptyOutDir: false, minify: true, target, lib },
  })
}

// The watcher every page carries (prepended to Vite's client), and the rest, loaded only when a page needs it.
await buildBrowser(
  {
    entry: 'src/client/watch.ts',
    formats: ['iife'],
    name: 'install',
    fileName: () => 'client.iife.js',
  },
  'es2022',
)
await buildBrowser({ entry: 'src/client/doctor-client.ts', formats: ['es'], fileName: () => 'doctor-client.js' })

// The snippet is prepended to the first line of Vite's client: a line break would shift its source map.
const bundle = readFileSync(new URL('client.iife.js', dist), 'utf8').trim()
if (bundle.includes('\n')) throw new Error('dist/client.iife.js must be a single line')

execFileSync(
  process.execPath,
  [
    new URL('../../node_modules/typescript/bin/tsc', import.meta.url).pathname,
    '-p',
    'tsconfig.build.json',
    '--emitDeclarationOnly',
    '--outDir',
    STAGING,
  ],
  {
    stdio: 'inherit',
  },
)

/** One Node module bundled into dist/ with its dependencies (and Vite, a peer) left external. */
function buildNode(entry, format, fileName, output = {}) {
  return build({
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir: STAGING,
      emptyOutDir: false,
      ssr: true,
      minify: false,
      target: 'node20',
      lib: { entry, formats: [format], fileName: () => fileName },
      rollupOptions: {
        external: [
          ...Object.keys(pkg.dependencies ?? {}),
          ...Object.keys(pkg.peerDependencies ?? {}),
          /^node:/,
          ...builtinModules,
        ],
        output: { entryFileNames: fileName, ...output },
      },
    },
  })
}

// One file per format, as a vite.config pays for every module it imports; beside client.iife.js, so
// `new URL('./client.iife.js', import.meta.url)` finds the snippet in either format.
await buildNode('src/index.ts', 'es', 'index.js')
// `require('vite-plugin-hmr-doctor')` is the factory itself, as `require('@vitejs/plugin-vue')` is, still
// carrying every named export (and `default`, for bundlers' interop).
await buildNode('src/index.ts', 'cjs', 'index.cjs', {
  exports: 'named',
  footer: 'module.exports = Object.assign(exports.default, exports, { __esModule: true });',
})

// The CLI as one ES module with a shebang (bin/hmr-doctor.js, the package's bin, imports it): one file to load keeps a check's start quick.
// Only it imports ws; the plugin's entries never load it.
await buildNode('src/cli/main.ts', 'es', 'cli.js')
if (!readFileSync(new URL('cli.js', dist), 'utf8').startsWith('#!/usr/bin/env node\n')) {
  throw new Error('dist/cli.js must start with its shebang')
}

// Its types: each declaration again as .d.cts, importing its siblings' .cjs names, so TypeScript reads
// them as CommonJS (a .d.ts here is an ES module, by "type": "module").
for (const entry of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
  if (!entry.endsWith('.d.ts')) continue
  const source = new URL(entry, dist)
  const text = readFileSync(source, 'utf8').replace(/((?:from\s+|import\()'\.{1,2}\/[^']*)\.js'/g, "$1.cjs'")
  writeFileSync(new URL(entry.replace(/\.d\.ts$/, '.d.cts'), dist), text)
}

const live = new URL('./dist/', import.meta.url)
const old = new URL(`./dist-old-${process.pid}/`, import.meta.url)
if (existsSync(live)) renameSync(live, old)
renameSync(dist, live)
rmSync(old, { recursive: true, force: true })
