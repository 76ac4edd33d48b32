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

/** `server.allowedHosts` with the page's host added, for a proxy that now forwards the browser's Host. */
export function allowedHostsFix(hostname: string, facts: ViteFacts): ConfigBlock | null {
  if (isHostAllowedByVite(hostname, facts.allowedHosts)) return null
  const hosts = [...(facts.allowedHosts === true ? [] : facts.allowedHosts), hostname]
  const list = hosts.map((host) => `'${host}'`).join(', ')
  return {
    where: 'vite.config, merged into your config',
    text: `export default defineConfig({
  server: {
    allowedHosts: [${list}],
  },
})`,
  }
}
