import type { Finding } from '../../diagnose/finding-types.js'
import type { ViteFacts } from '../../vite/vite-facts.js'
import { afterwards } from '../afterwards.js'
import { hostedNote, proxyName, proxyNameInline, syntaxFor } from '../proxies/syntaxes.js'
import type { RenderedFinding } from '../rendered-types.js'
import { upstreamFor } from '../upstream.js'
import { MERGED, viteConfigBlock } from '../vite-config.js'

export function renderClientUnreached(
  finding: Extract<Finding, { cause: 'client-unreached' }>,
  facts: ViteFacts,
): RenderedFinding {
  const asked = finding.clientSrc
  const evidence = `the page at ${finding.pageUrl} asked for ${asked}, which never reached Vite; the page's own report arrived at Vite as ${finding.arrivedPath}`
  const prefix = finding.strippedPrefix
  const upstream = prefix === null ? null : upstreamFor(finding.upstream, facts, null)
  if (prefix === null || upstream === null) {
    return {
      summary: `Vite served the page at ${finding.pageUrl}, but Vite's client never ran in it: no HMR.`,
      evidence,
      notes: [
        `Make ${asked} reach Vite through the proxy, or check that nothing blocks the script (a content security policy, an extension).`,
      ],
      proxy: [],
      vite: null,
      afterwards: null,
    }
  }
  const syntax = syntaxFor(finding.proxy)
  const fix = syntax?.keepUri({ facts, upstream, what: 'prefix', prefix, arrivedPath: null }) ?? null
  const vite = viteConfigBlock(MERGED, { base: prefix })
  return {
    summary: `${proxyName(finding.proxy)} strips ${prefix} before Vite sees it: Vite serves the page, but its client never reaches Vite, so no HMR.`,
    evidence,
    notes: [
      `With base '/' Vite writes root-relative URLs (${facts.clientPath}, /src/…), which miss the proxy's ${prefix} route. Serve under ${prefix} and make ${proxyNameInline(finding.proxy)} keep the prefix, forwarding ${prefix} as the browser sent it.`,
      ...(fix?.notes ?? []),
      ...hostedNote(finding.proxy),
    ],
    proxy: fix?.blocks ?? [],
    vite,
    afterwards: afterwards({ proxy: fix ? syntax : null, vite: true }, facts),
  }
}
