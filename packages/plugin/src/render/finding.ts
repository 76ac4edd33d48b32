import type { Cause, Finding } from '../diagnose/finding-types.js'
import type { ViteFacts } from '../vite/vite-facts.js'
import { renderClientUnreached } from './causes/render-client-unreached.js'
import { renderHostRejected } from './causes/render-host-rejected.js'
import { renderIdleTimeout } from './causes/render-idle-timeout.js'
import { renderPolicyRefused } from './causes/render-policy-refused.js'
import { renderProxyError } from './causes/render-proxy-error.js'
import { renderSocketMisdirected } from './causes/render-socket-misdirected.js'
import { renderSocketNeverArrived } from './causes/render-socket-never-arrived.js'
import { renderSocketPortUnproxied } from './causes/render-socket-port-unproxied.js'
import { renderSubprotocolStripped } from './causes/render-subprotocol-stripped.js'
import { renderUpgradeContested } from './causes/render-upgrade-contested.js'
import { renderUpgradeStripped } from './causes/render-upgrade-stripped.js'
import { renderUpgradeUnrelayed } from './causes/render-upgrade-unrelayed.js'
import { renderUriRewritten } from './causes/render-uri-rewritten.js'
import { renderViteProxyUnrelayed } from './causes/render-vite-proxy-unrelayed.js'
import { inConfigOwnersFile } from './config-owner.js'
import type { RenderedFinding, RenderState } from './rendered-types.js'
import { seenUpstreamNote } from './upstream.js'

type Renderer<C extends Cause> = (
  finding: Extract<Finding, { cause: C }>,
  facts: ViteFacts,
  state: RenderState,
) => RenderedFinding

/** One renderer per cause, as `diagnose/rules/` has one rule per cause. */
const RENDERERS: { [C in Cause]: Renderer<C> } = {
  'upgrade-stripped': renderUpgradeStripped,
  'socket-never-arrived': renderSocketNeverArrived,
  'idle-timeout': renderIdleTimeout,
  'host-rejected': renderHostRejected,
  'uri-rewritten': renderUriRewritten,
  'socket-misdirected': renderSocketMisdirected,
  'socket-port-unproxied': renderSocketPortUnproxied,
  'proxy-error': renderProxyError,
  'client-unreached': renderClientUnreached,
  'upgrade-unrelayed': renderUpgradeUnrelayed,
  'subprotocol-stripped': renderSubprotocolStripped,
  'vite-proxy-unrelayed': renderViteProxyUnrelayed,
  'upgrade-contested': renderUpgradeContested,
  'policy-refused': renderPolicyRefused,
}

/** Said with every finding while the config turns HMR off, often because it failed behind this very proxy. */
export const HMR_DISABLED_NOTE =
  "server.hmr is false in this config: Vite's client still dials this socket (full reloads come over it), so it is diagnosed all the same; with the socket fixed, removing hmr: false brings hot updates back."

/** Every cause the plugin renders, for what lists them all (the docs' cause pages). */
export const RENDERED_CAUSES = Object.keys(RENDERERS) as Cause[]

/**
 * `seen`: the observation to print instead of what reached Vite, for a caller that saw the failure itself
 * (the CLI, which only infers what reached Vite from the socket's answer).
 */
export function renderFinding(
  finding: Finding,
  facts: ViteFacts,
  state: RenderState = { keepaliveMs: null },
  seen: string | null = null,
): RenderedFinding {
  const byCause = (RENDERERS[finding.cause] as Renderer<Cause>)(finding as never, facts, state)
  const observed = seen === null ? byCause : { ...byCause, evidence: seen }
  const seenUpstream = 'seenUpstream' in finding ? finding.seenUpstream : undefined
  const rendered =
    seenUpstream !== undefined && observed.proxy.length > 0
      ? { ...observed, notes: [...observed.notes, seenUpstreamNote(seenUpstream)] }
      : observed
  const acknowledged = facts.hmrDisabled ? { ...rendered, notes: [...rendered.notes, HMR_DISABLED_NOTE] } : rendered
  return inConfigOwnersFile(acknowledged, facts)
}
