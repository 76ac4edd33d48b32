import { isIP } from 'node:net'

const MAX_CACHED = 64
/** Vite lets these through whatever the list says: a Host naming a file or an extension's protocol. */
const FILE_OR_EXTENSION = /^(?:file|.+-extension):/i

/** What Vite's host check makes of a Host header (`host-validation-middleware`'s `extractHostNameFromHostHeader`). */
function hostKind(hostHeader: string): { type: 'ip' | 'invalid' } | { type: 'hostname'; value: string } {
  const trimmed = hostHeader.trim()
  if (trimmed.startsWith('[')) {
    const end = trimmed.indexOf(']')
    return end > 0 && isIP(trimmed.slice(1, end)) === 6 ? { type: 'ip' } : { type: 'invalid' }
  }
  const colon = trimmed.indexOf(':')
  const hostname = colon === -1 ? trimmed : trimmed.slice(0, colon)
  return isIP(hostname) === 4 ? { type: 'ip' } : { type: 'hostname', value: hostname }
}

function listed(hostname: string, allowedHosts: readonly string[]): boolean {
  return allowedHosts.some((allowed) =>
    allowed.startsWith('.') ? allowed.slice(1) === hostname || hostname.endsWith(allowed) : allowed === hostname,
  )
}

/**
 * Vite's host check (`isHostAllowed` of `host-validation-middleware`, which Vite's `hostCheck.ts` uses) on a
 * Host header or a bare hostname: IP addresses and `localhost` pass, anything else must be listed, compared
 * as sent (case included).
 */
export function isHostAllowedByVite(host: string, allowedHosts: true | readonly string[]): boolean {
  if (allowedHosts === true || FILE_OR_EXTENSION.test(host)) return true
  const kind = hostKind(host)
  if (kind.type !== 'hostname') return kind.type === 'ip'
  const hostname = kind.value
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true
  return listed(hostname, allowedHosts)
}

/** The hostname of a Host header: `app.test:8080` → `app.test`, `[::1]:5173` → `[::1]`. */
export function hostnameOf(hostHeader: string): string {
  return hostHeader.startsWith('[')
    ? hostHeader.slice(0, hostHeader.indexOf(']') + 1)
    : (hostHeader.split(':')[0] ?? '')
}

/**
 * The host check as a cheap per-request predicate: each distinct Host is judged once (a few are cached;
 * a flood of made-up hosts only costs the check itself).
 */
export function createHostCheck(allowedHosts: true | readonly string[]): (host: string | undefined) => boolean {
  const verdicts = new Map<string, boolean>()
  return (host) => {
    if (host === undefined || allowedHosts === true) return true
    const known = verdicts.get(host)
    if (known !== undefined) return known
    const verdict = isHostAllowedByVite(host, allowedHosts)
    if (verdicts.size < MAX_CACHED) verdicts.set(host, verdict)
    return verdict
  }
}

/** A hostname as DNS spells it (letters, digits, dots, hyphens): the only kind a printed proxy config names. */
export function isPlainHostname(hostname: string): boolean {
  return /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(
    hostname,
  )
}

/** Labels of letters, digits, hyphens and underscores: names Docker's DNS or an nginx `upstream {}` answers to. */
export function isServiceName(name: string): boolean {
  return /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/i.test(
    name,
  )
}

/**
 * Whether listing `hostname` in `server.allowedHosts` is what would let it through: a name Vite compares
 * with its list (no IP address, no `localhost`) that a proxy, a tunnel or Docker's DNS could serve the app
 * under. Every "could this name be allowed" question, in the plugin and the CLI, asks this.
 */
export function couldBeAllowed(hostname: string): boolean {
  if (!isServiceName(hostname) || /^[\d.]+$/.test(hostname)) return false
  const kind = hostKind(hostname)
  return kind.type === 'hostname' && kind.value === hostname && !isHostAllowedByVite(hostname, [])
}

/** Special-use suffixes no public DNS delegates (RFC 6761, 6762, 8375; ICANN's `.internal`). */
const PRIVATE_SUFFIXES = ['.test', '.localhost', '.local', '.internal', '.home.arpa']

/**
 * Whether no public DNS server can answer for `hostname`: a single label (a Docker service, a LAN name) or a
 * special-use suffix. Only such a name may be printed into `allowedHosts` on a request's word alone: a
 * public one could be a DNS-rebinding attacker's, planted by anyone who can load a page.
 */
export function isPrivateName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '')
  return (!name.includes('.') && !name.startsWith('[')) || PRIVATE_SUFFIXES.some((suffix) => name.endsWith(suffix))
}
