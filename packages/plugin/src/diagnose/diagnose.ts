import type { Evidence } from '../evidence/evidence-types.js'
import type { DiagnoseContext, Finding, Rule } from './finding-types.js'
import { clientUnreached } from './rules/client-unreached.js'
import { hostRejected } from './rules/host-rejected.js'
import { idleTimeout } from './rules/idle-timeout.js'
import { policyRefused } from './rules/policy-refused.js'
import { proxyError } from './rules/proxy-error.js'
import { socketMisdirected } from './rules/socket-misdirected.js'
import { socketNeverArrived } from './rules/socket-never-arrived.js'
import { socketPortUnproxied } from './rules/socket-port-unproxied.js'
import { subprotocolStripped } from './rules/subprotocol-stripped.js'
import { upgradeContested } from './rules/upgrade-contested.js'
import { upgradeStripped } from './rules/upgrade-stripped.js'
import { upgradeUnrelayed } from './rules/upgrade-unrelayed.js'
import { uriRewritten } from './rules/uri-rewritten.js'
import { viteProxyUnrelayed } from './rules/vite-proxy-unrelayed.js'

export type { DiagnoseContext } from './finding-types.js'

/** Specific causes first: a generic finding is dropped when a specific one explains the same failure. */
const SPECIFIC: Rule[] = [
  policyRefused,
  hostRejected,
  uriRewritten,
  upgradeStripped,
  upgradeUnrelayed,
  subprotocolStripped,
  viteProxyUnrelayed,
  upgradeContested,
  socketMisdirected,
  socketPortUnproxied,
  proxyError,
  clientUnreached,
  idleTimeout,
]
const GENERIC: Rule[] = [socketNeverArrived]

export function diagnose(evidence: Evidence, context: DiagnoseContext): Finding[] {
  const run = (rules: Rule[]) => rules.map((rule) => rule(evidence, context)).filter((f): f is Finding => f !== null)
  const specific = run(SPECIFIC)
  return specific.length > 0 ? specific : run(GENERIC)
}

/** One key per distinct cause, place and printed value, so the terminal says each thing once. */
export function findingKey(finding: Finding): string {
  switch (finding.cause) {
    case 'upgrade-stripped':
      return `${finding.cause} ${finding.handshake.path} ${finding.upstream} ${finding.pageHostname}`
    case 'idle-timeout':
      return `${finding.cause} ${finding.pageOrigin} ${finding.timeoutMs}`
    case 'host-rejected':
      return `${finding.cause} ${finding.hostname} ${finding.verified}`
    case 'uri-rewritten':
      return `${finding.cause} ${finding.what} ${finding.upstream}`
    case 'socket-misdirected':
    case 'socket-port-unproxied':
      return `${finding.cause} ${finding.socketUrl}`
    case 'client-unreached':
      return `${finding.cause} ${finding.pageUrl} ${finding.strippedPrefix} ${finding.upstream}`
    case 'upgrade-unrelayed':
      return `${finding.cause} ${finding.socketUrl} ${finding.nodeClient}`
    case 'subprotocol-stripped':
      return `${finding.cause} ${finding.socketUrl} ${finding.handshake.wsProtocol ?? ''}`
    case 'vite-proxy-unrelayed':
      return `${finding.cause} ${finding.socketUrl}`
    case 'upgrade-contested':
      return `${finding.cause} ${finding.handshake.path}`
    case 'proxy-error':
      return `${finding.cause} ${finding.status} ${finding.path}`
    case 'socket-never-arrived':
      return `${finding.cause} ${finding.socketUrl ?? finding.pageOrigin ?? ''}`
    case 'policy-refused':
      return `${finding.cause} ${finding.socketUrl} ${finding.policy}`
  }
}

/**
 * Whether anything legitimate stands behind a finding. Refused page loads, redirect loops and a client
 * load nobody followed up are unauthenticated requests: anyone can send them, so they get a budget of
 * their own and can never use up what genuine findings may say.
 */
export function isUnverified(finding: Finding): boolean {
  if (finding.cause === 'host-rejected') return !finding.verified
  if (finding.cause === 'uri-rewritten') return finding.redirects > 0
  if (finding.cause === 'socket-never-arrived') return finding.socketUrl === null
  return false
}
