// docker/compose.yaml's `vite` service: installs what the playground needs inside its container, builds
// the plugin, then serves the playground. Only the playground and what it uses are installed: the Vite
// matrix's injected copies of the plugin would be hard-linked across the volume boundary (EXDEV).
import { pnpm } from '../test/setup.mjs'

pnpm(['install', '--frozen-lockfile', '--filter', 'hmr-doctor-playground...', '--reporter=append-only'])
pnpm(['--filter', 'vite-plugin-hmr-doctor', 'run', 'build'])
pnpm(['--filter', 'hmr-doctor-playground', 'exec', 'tsx', 'demo.ts', '--vite-only'])
