import type { Plugin } from 'vite'

/**
 * Whether a framework among `plugins` renders every page itself, so Vite's `transformIndexHtml` never runs:
 * SvelteKit does, and it warns at startup about any plugin that has the hook. The doctor's page beacon
 * is then dropped (its client snippet still rides on `/@vite/client`), which keeps the doctor silent there.
 */
export function rendersOwnPages(plugins: readonly Pick<Plugin, 'name'>[]): boolean {
  return plugins.some((plugin) => plugin.name.startsWith('vite-plugin-sveltekit'))
}

/** A framework that writes Vite's server options itself, so a fix must go into its own config file. */
export type ConfigOwner = 'nuxt'

/**
 * Nuxt starts Vite in middleware mode and writes `server.hmr` itself (its own HTTP server for the socket,
 * the `/_nuxt/` base): what a user sets reaches Vite only through `nuxt.config`'s `vite` key, merged with
 * Nuxt's. Known by its plugins, which Nuxt names `nuxt:…`.
 */
export function configOwner(plugins: readonly Pick<Plugin, 'name'>[]): ConfigOwner | null {
  return plugins.some((plugin) => plugin.name.startsWith('nuxt:')) ? 'nuxt' : null
}
