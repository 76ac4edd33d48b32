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
  if (prefix !== null && !finding.confirmed) return describedPrefix(finding, prefix, evidence)
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

/**
 * A prefix only a page's report implies (its URL, and the path it arrived under): any page can send one, so
 * it is said with its source, and the CLI, given the URL by the developer, is the way to a fix.
 */
function describedPrefix(
  finding: Extract<Finding, { cause: 'client-unreached' }>,
  prefix: string,
  evidence: string,
): RenderedFinding {
  const marks = finding.proxy === 'unknown' ? '' : ` (${proxyNameInline(finding.proxy)}, by the marks on the report)`
  return {
    summary: `Vite served the page at ${finding.pageUrl}, but Vite's client never ran in it: no HMR. A proxy${marks} seems to strip ${prefix} before Vite sees it.`,
    evidence,
    notes: [
      `The prefix comes from the page's report (its URL, and the path it arrived under), not your config; anyone who can load a page can send one, so no fix is printed from it. To confirm it and get the base and the proxy's route to paste, run npx hmr-doctor check <the URL you open the page at>.`,
    ],
    proxy: [],
    vite: null,
    afterwards: null,
  }
}
