import type { ViteFacts } from '../vite-facts.js'
import type { ConfigBlock } from './types.js'

const IP_ADDRESS = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/i

/** Vite's host check, as `isHostAllowed` in Vite's `hostCheck.ts` applies it to a hostname. */
export function isHostAllowedByVite(hostname: string, allowedHosts: true | readonly string[]): boolean {
  if (allowedHosts === true || IP_ADDRESS.test(hostname)) return true
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true
  return allowedHosts.some((allowed) =>
    allowed.startsWith('.') ? allowed.slice(1) === hostname || hostname.endsWith(allowed) : allowed === hostname,
  )
}

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
export function pingIntervalFix(idleMs: number, facts: ViteFacts): ConfigBlock {
  return {
    where: 'or instead, vite.config, merged into your config',
    text: `export default defineConfig({
  server: {
    ${facts.hmrConfigKey}: {
      timeout: ${pingIntervalBelow(idleMs)},
    },
  },
})`,
  }
}
