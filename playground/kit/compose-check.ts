import { parse } from 'yaml'

/**
 * Why a compose file may not run on an engine without a bridge, or null when it may: every service on the
 * host's network (`network_mode: host`), none publishing ports or joining a network, no network declared.
 * Anything else would make the engine create a bridge, or address something beyond loopback.
 */
export function hostNetworkViolation(text: string): string | null {
  const compose: unknown = parse(text)
  if (typeof compose !== 'object' || compose === null) return 'it is not a compose file'
  const { services, networks } = compose as { services?: unknown; networks?: unknown }
  if (networks !== undefined) return 'it declares networks'
  if (typeof services !== 'object' || services === null || Object.keys(services).length === 0)
    return 'it has no services'
  for (const [name, service] of Object.entries(services)) {
    const fields = (typeof service === 'object' && service !== null ? service : {}) as Record<string, unknown>
    if (fields.network_mode !== 'host') return `service "${name}" lacks network_mode: host`
    for (const key of ['ports', 'networks', 'expose', 'links']) {
      if (fields[key] !== undefined) return `service "${name}" has ${key}:`
    }
    const hosts = Array.isArray(fields.extra_hosts) ? fields.extra_hosts : []
    for (const entry of hosts) {
      const address = String(entry).slice(String(entry).indexOf(':') + 1)
      if (!/^127(\.\d{1,3}){3}$/.test(address) && address !== '::1') {
        return `service "${name}" maps a name to ${address}, outside 127.0.0.0/8 and ::1`
      }
    }
  }
  return null
}
