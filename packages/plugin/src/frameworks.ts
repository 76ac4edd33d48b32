import type { Plugin } from 'vite'

/**
 * Whether a framework among `plugins` renders every page itself, so Vite's `transformIndexHtml` never runs:
 * SvelteKit does, and it warns at startup about any plugin that has the hook. The doctor's page beacon
 * is then dropped (its client snippet still rides on `/@vite/client`), which keeps the doctor silent there.
 */
export function rendersOwnPages(plugins: readonly Pick<Plugin, 'name'>[]): boolean {
  return plugins.some((plugin) => plugin.name.startsWith('vite-plugin-sveltekit'))
}
