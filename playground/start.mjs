// The demo: the playground behind a real nginx configured the way most people first write it.
// Installs what it needs, then hands over to demo.ts beside it. See docs/docker.md for the flags.
// `--pictures` hands over to pictures.ts instead, which redraws the README's pictures.
import { ensureDemoWorkspace, ensureSystemPackages, pnpm } from '../test/setup.mjs'

const args = process.argv.slice(2)

// The README's pictures (pictures.ts) always drive Chromium, and take none of the demo's flags.
if (args.includes('--pictures')) {
  ensureSystemPackages(['nginx', 'chromium'])
  ensureDemoWorkspace()
  pnpm(['--filter', 'hmr-doctor-playground', 'exec', 'tsx', 'pictures.ts'])
  process.exit(0)
}

// `--docker`: the same story with Vite and nginx in containers (playground/docker/demo.ts).
if (args.includes('--docker')) {
  ensureSystemPackages(['chromium'])
  ensureDemoWorkspace()
  pnpm(['--filter', 'hmr-doctor-playground', 'exec', 'tsx', 'docker/demo.ts'])
  process.exit(0)
}

const viteOnly = args.includes('--vite-only')
const headless =
  args.includes('--headless') ||
  (!args.includes('--interactive') && !viteOnly && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)

if (!viteOnly) ensureSystemPackages(headless ? ['nginx', 'chromium'] : ['nginx'])
ensureDemoWorkspace()
const forwarded = args.filter((arg) => arg !== '--headless' && arg !== '--interactive')
pnpm(['--filter', 'hmr-doctor-playground', 'exec', 'tsx', 'demo.ts', ...forwarded, ...(headless ? ['--headless'] : [])])
