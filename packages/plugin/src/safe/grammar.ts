import { isIPv4, isIPv6 } from 'node:net'
import { isPlainHostname, isServiceName } from '../vite/host-check.js'

/**
 * The grammar a value must pass before it may stand in a printed config. Anything from a request is
 * checked here first; what fails is described, never suggested.
 */

/** A DNS name, an IPv4 address or a bracketed IPv6 address: the only hosts a printed config names. */
export function isConfigHost(host: string): boolean {
  if (host.startsWith('[') && host.endsWith(']')) return isIPv6(host.slice(1, -1))
  return isIPv4(host) || (isPlainHostname(host) && !/^[\d.]+$/.test(host))
}

function isPort(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65_535
}

/**
 * `host[:port]` as a proxy's upstream (a Host header's shape: an nginx `upstream` block's name has no
 * port), or null when either part fails its grammar.
 */
export function parseUpstream(value: string): { host: string; port: number | null } | null {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(value)
  if (!match?.[1]) return null
  const port = match[2] === undefined ? null : Number(match[2])
  const host = match[1]
  const named = isConfigHost(host) || (isServiceName(host) && !/^[\d.]+$/.test(host))
  return named && (port === null || isPort(port)) ? { host, port } : null
}

/** A URL path a proxy's location or a Vite option may hold: printable ASCII, no quotes, no spaces. */
export function isConfigPath(path: string): boolean {
  return path.length <= 256 && /^\/[A-Za-z0-9._~!&()*+,;=:@%/-]*$/.test(path)
}
