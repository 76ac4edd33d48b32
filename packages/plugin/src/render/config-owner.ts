import type { ViteFacts } from '../vite/vite-facts.js'
import type { ConfigBlock, RenderedFinding } from './rendered-types.js'
import { MERGED } from './vite-config.js'

const VITE_CONFIG_OPEN = 'export default defineConfig({'

/**
 * A printed vite.config as Nuxt takes it: the same options under `nuxt.config`'s `vite` key, which Nuxt
 * merges with the server options it writes itself. Null for a block of another shape.
 */
function asNuxtConfig(block: ConfigBlock): ConfigBlock | null {
  const lines = block.text.split('\n')
  if (lines[0] !== VITE_CONFIG_OPEN || lines.at(-1) !== '})') return null
  const options = lines.slice(1, -1).map((line) => `  ${line}`)
  return {
    ...block,
    where: block.where.replace(MERGED, 'nuxt.config, its vite key, merged into your config'),
    text: ['export default defineNuxtConfig({', '  vite: {', ...options, '  },', '})'].join('\n'),
  }
}

/** A finding's printed config moved into the file of the framework that owns Vite's options, if one does. */
export function inConfigOwnersFile(rendered: RenderedFinding, facts: ViteFacts): RenderedFinding {
  if (facts.configOwner !== 'nuxt') return rendered
  const moved = rendered.vite && asNuxtConfig(rendered.vite)
  if (!moved) return { ...rendered, configFile: 'nuxt.config' }
  return {
    ...rendered,
    notes: [
      ...rendered.notes,
      "Nuxt writes Vite's server options itself: yours reach Vite through nuxt.config's vite key, not a vite.config.",
    ],
    vite: moved,
    configFile: 'nuxt.config',
  }
}
