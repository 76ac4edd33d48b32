// Builds the two halves: the browser snippet as one self-contained line, the server side with tsc.
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { build } from 'vite'

const dist = new URL('./dist/', import.meta.url)
rmSync(dist, { recursive: true, force: true })

await build({
  configFile: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    minify: true,
    target: 'es2020',
    lib: {
      entry: 'src/client/client.ts',
      formats: ['iife'],
      name: '__hmrDoctorClient',
      fileName: () => 'client.iife.js',
    },
  },
})

// The snippet is prepended to the first line of Vite's client: a line break would shift its source map.
const bundle = readFileSync(new URL('client.iife.js', dist), 'utf8').trim()
if (bundle.includes('\n')) throw new Error('dist/client.iife.js must be a single line')

execFileSync(
  process.execPath,
  [new URL('../../node_modules/typescript/bin/tsc', import.meta.url).pathname, '-p', 'tsconfig.build.json'],
  {
    stdio: 'inherit',
  },
)
