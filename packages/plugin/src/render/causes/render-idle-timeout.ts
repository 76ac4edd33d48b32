import type { Finding } from '../../diagnose/finding-types.js'
import type { ViteFacts } from '../../vite/vite-facts.js'
import { afterwards } from '../afterwards.js'
import { seconds } from '../notes.js'
import { hostedNote, proxyNameInline, syntaxFor } from '../proxies/syntaxes.js'
import type { RenderedFinding, RenderState } from '../rendered-types.js'
import { upstreamFor } from '../upstream.js'
import { pingIntervalFix } from '../vite-config.js'

/** A timeout as it is set: whole seconds without a fraction, anything else in tenths. */
function timeoutText(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : seconds(ms)
}

/** The idle times as the page measured them: one value, or the shortest to the longest. */
function measuredText([shortest, longest]: readonly [number, number]): string {
  const [low, high] = [seconds(shortest), seconds(longest)]
  return low === high ? low : `${low.replace(' s', '')}–${high}`
}

export function renderIdleTimeout(
  finding: Extract<Finding, { cause: 'idle-timeout' }>,
  facts: ViteFacts,
  state: RenderState,
): RenderedFinding {
  const syntax = syntaxFor(finding.proxy)
  const proxyFix = syntax?.keepIdleSocket({ facts, upstream: upstreamFor(finding.upstream, facts, null) }) ?? null
  const name = proxyNameInline(finding.proxy)
  const keepalive =
    state.keepaliveMs === null
      ? []
      : [
          `Until then the doctor pings each HMR client every ${seconds(state.keepaliveMs)} so pages stop reloading (option keepalive).`,
        ]
  return {
    summary: `The proxy closes the HMR socket after ${timeoutText(finding.timeoutMs)} idle, and Vite reloads the page every time.`,
    evidence: `closed after ${measuredText(finding.idleRangeMs)} idle, ${finding.closes} times in ${seconds(finding.spanMs)} (close code ${finding.code}), on the page at ${finding.pageOrigin}${finding.seenByVite > 0 ? `; Vite saw ${finding.seenByVite} of them drop too` : ''}`,
    notes: [
      `Raise ${name}'s idle timeout for upgraded connections (idle sockets then stay open longer), or make Vite's client ping more often than every ${timeoutText(finding.timeoutMs)} (one small frame per interval per open tab).`,
      ...(proxyFix?.notes ?? []),
      ...hostedNote(finding.proxy),
      ...keepalive,
    ],
    proxy: proxyFix?.blocks ?? [],
    vite: pingIntervalFix(finding.timeoutMs, facts, proxyFix !== null),
    afterwards: afterwards({ proxy: proxyFix ? syntax : null, vite: true, alternative: true }, facts),
  }
}
