import type { ViteFacts } from '../vite/vite-facts.js'
import type { ProxySyntax } from './proxies/proxy-syntax.js'

/**
 * What picks up a vite.config change: the `vite` command restarts its server when the config file changes;
 * a server started from code (middleware mode, where Vite has no HTTP server of its own) doesn't.
 */
function viteRestart(facts: ViteFacts): string {
  return facts.middlewareMode
    ? 'restart your server after the vite.config change (in middleware mode nothing restarts Vite by itself)'
    : 'save vite.config: the vite command restarts Vite by itself (a server you start from code needs a restart)'
}

/**
 * The "then" line, from what the printed fix touched: the proxy's config (reload it), vite.config (Vite
 * must restart), both, or either one (`alternative`: the blocks are two ways to the same fix), or the
 * script that starts the server (`script`: only a restart of that server reads it).
 */
export function afterwards(
  touched: { proxy: ProxySyntax | null; vite: boolean; alternative?: boolean } | { script: true },
  facts: ViteFacts,
): string | null {
  if ('script' in touched) return 'Then restart your server.'
  const { proxy, vite } = touched
  if (proxy && vite) {
    return `Then reload ${proxy.name} (${proxy.reload})${touched.alternative ? ', or instead' : ' and'} ${viteRestart(facts)}.`
  }
  if (proxy) return `Then reload ${proxy.name}: ${proxy.reload}`
  if (vite) return `Then ${viteRestart(facts)}.`
  return null
}
