const IP_ADDRESS = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/i
const MAX_CACHED = 64

/** Vite's host check, as `isHostAllowed` in Vite's `hostCheck.ts` applies it to a hostname. */
export function isHostAllowedByVite(hostname: string, allowedHosts: true | readonly string[]): boolean {
  if (allowedHosts === true || IP_ADDRESS.test(hostname)) return true
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true
  return allowedHosts.some((allowed) =>
    allowed.startsWith('.') ? allowed.slice(1) === hostname || hostname.endsWith(allowed) : allowed === hostname,
  )
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
    const verdict = isHostAllowedByVite(hostnameOf(host), allowedHosts)
    if (verdicts.size < MAX_CACHED) verdicts.set(host, verdict)
    return verdict
  }
}

/** A hostname as DNS spells it (letters, digits, dots, hyphens): the only kind worth suggesting to allow. */
export function isPlainHostname(hostname: string): boolean {
  return /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(
    hostname,
  )
}
