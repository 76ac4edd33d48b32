import { isHostAllowedByVite } from '../host-check.js'
import type { ViteFacts } from '../vite-facts.js'
import type { ConfigBlock } from './types.js'

/**
 * `server.allowedHosts` for the page's host, for a proxy that now forwards the browser's Host. Only the new
 * entry: the resolved list also holds hosts Vite adds by itself (`server.host`, `origin`).
 */
export function allowedHostsFix(hostname: string, facts: ViteFacts): ConfigBlock | null {
  if (isHostAllowedByVite(hostname, facts.allowedHosts)) return null
  return {
    where: 'vite.config, merged into your config (add to any allowedHosts you already have)',
    text: `export default defineConfig({
  server: {
    allowedHosts: [${JSON.stringify(hostname).replaceAll('"', "'")}],
  },
})`,
  }
}

/** A ping interval comfortably below the measured idle timeout: half of it, in whole tenths of a second. */
export function pingIntervalBelow(idleMs: number): number {
  return Math.max(100, Math.floor(idleMs / 2 / 100) * 100)
}

/** `server.hmr.timeout` (or `server.ws.timeout` from Vite 8.1): how often Vite's client pings its socket. */
export function pingIntervalFix(idleMs: number, facts: ViteFacts, alternative: boolean): ConfigBlock {
  return {
    where: `${alternative ? 'or instead, ' : ''}vite.config, merged into your config`,
    text: `export default defineConfig({
  server: {
    ${facts.hmrConfigKey}: {
      timeout: ${pingIntervalBelow(idleMs)},
    },
  },
})`,
  }
}

/** The HMR client settings (under the key the running Vite wants) that point the browser at the page's origin. */
export function socketSettingsFix(
  settings: { protocol?: string; host?: string; clientPort?: number; port?: number },
  facts: ViteFacts,
): ConfigBlock {
  const lines = Object.entries(settings).map(
    ([key, value]) => `      ${key}: ${typeof value === 'number' ? value : `'${value}'`},`,
  )
  return {
    where: 'vite.config, merged into your config',
    text: `export default defineConfig({
  server: {
    ${facts.hmrConfigKey}: {
${lines.join('\n')}
    },
  },
})`,
  }
}
