import { jsString } from '../safe/quote.js'
import { pingIntervalBelow } from '../shared/timing.js'
import { isHostAllowedByVite } from '../vite/host-check.js'
import type { ViteFacts } from '../vite/vite-facts.js'
import type { ConfigBlock } from './rendered-types.js'

type Value = string | number | readonly string[]

function literal(value: Value): string {
  if (typeof value === 'number') return String(value)
  if (typeof value === 'string') return jsString(value)
  return `[${value.map(jsString).join(', ')}]`
}

/**
 * The one builder of a printed vite.config: `base`, `server` options, and the socket's options under the
 * key this Vite wants (`server.hmr`, or `server.ws` from Vite 8.1). Values are literals in JavaScript's own
 * quoting.
 */
export function viteConfigBlock(
  where: string,
  config: {
    base?: string
    server?: Record<string, Value>
    socket?: { key: ViteFacts['hmrConfigKey']; options: Record<string, Value> }
  },
): ConfigBlock {
  const lines = ['export default defineConfig({']
  if (config.base !== undefined) lines.push(`  base: ${literal(config.base)},`)
  if (config.server || config.socket) {
    lines.push('  server: {')
    for (const [key, value] of Object.entries(config.server ?? {})) lines.push(`    ${key}: ${literal(value)},`)
    if (config.socket) {
      lines.push(`    ${config.socket.key}: {`)
      for (const [key, value] of Object.entries(config.socket.options)) lines.push(`      ${key}: ${literal(value)},`)
      lines.push('    },')
    }
    lines.push('  },')
  }
  lines.push('})')
  return { where, text: lines.join('\n') }
}

export const MERGED = 'vite.config, merged into your config'

/** The warning every printed allowedHosts carries, whoever vouched for the name. */
export const ALLOWED_HOSTS_CAUTION =
  'Allow only a name you recognise (never allowedHosts: true): an allowed name lets sites under it read this dev server.'

/**
 * `server.allowedHosts` for the page's host, for a proxy that now forwards the browser's Host. Only the new
 * entry: the resolved list also holds hosts Vite adds by itself (`server.host`, `origin`).
 */
export function allowedHostsFix(hostname: string, facts: ViteFacts): ConfigBlock | null {
  if (isHostAllowedByVite(hostname, facts.allowedHosts)) return null
  return {
    ...viteConfigBlock(`${MERGED} (add to any allowedHosts you already have)`, {
      server: { allowedHosts: [hostname] },
    }),
    caution: ALLOWED_HOSTS_CAUTION,
  }
}

/** `server.hmr.timeout` (or `server.ws.timeout` from Vite 8.1): how often Vite's client pings its socket. */
export function pingIntervalFix(timeoutMs: number, facts: ViteFacts, alternative: boolean): ConfigBlock {
  return viteConfigBlock(`${alternative ? 'or instead, ' : ''}${MERGED}`, {
    socket: { key: facts.hmrConfigKey, options: { timeout: pingIntervalBelow(timeoutMs) } },
  })
}

/** The HMR client settings (under the key the running Vite wants) that point the browser at the page's origin. */
export function socketSettingsFix(settings: Record<string, string | number>, facts: ViteFacts): ConfigBlock {
  return viteConfigBlock(MERGED, { socket: { key: facts.hmrConfigKey, options: settings } })
}
