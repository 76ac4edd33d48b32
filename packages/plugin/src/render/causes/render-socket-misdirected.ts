import type { Finding } from '../../diagnose/finding-types.js'
import { hasSeparatePort } from '../../diagnose/rules/socket-misdirected.js'
import type { ViteFacts } from '../../vite/vite-facts.js'
import { afterwards } from '../afterwards.js'
import { DIRECT_ONLY_NOTE, fallbackNote, forwardUpgradesNote } from '../notes.js'
import type { RenderedFinding } from '../rendered-types.js'
import { socketSettingsFix } from '../vite-config.js'

export function renderSocketMisdirected(
  finding: Extract<Finding, { cause: 'socket-misdirected' }>,
  facts: ViteFacts,
): RenderedFinding {
  const outcome = finding.opened
    ? 'it opened only because this browser reaches that address directly'
    : finding.error
      ? `the browser refused it (${finding.error})`
      : 'it never opened, and no handshake for it reached Vite'
  // A separate port is the config's own fact: said whether or not the report vouches for the settings.
  const separate =
    finding.settings?.port !== undefined || (finding.unconfirmed && hasSeparatePort(facts))
      ? [
          `A separate server.${facts.hmrConfigKey}.port is a second server the proxy doesn't carry; on Vite's own port the proxy carries the socket with the page.`,
        ]
      : []
  const unprintable = finding.unconfirmed
    ? [unconfirmedNote(finding, facts)]
    : finding.settings === null
      ? [
          `Nothing to paste: ${finding.clientOrigin}'s hostname is not one a config can hold as it is; set server.${facts.hmrConfigKey}.host and clientPort to the name and port the browser uses for this page.`,
        ]
      : []
  return {
    summary: `The browser dials the HMR socket at ${finding.socketUrl}, not through ${finding.clientOrigin} where the page came from.`,
    evidence: `the page at ${finding.clientOrigin} dialled ${finding.socketUrl}: ${outcome}`,
    notes: [
      ...(finding.opened ? [DIRECT_ONLY_NOTE] : fallbackNote(finding.fallback, facts)),
      ...separate,
      ...unprintable,
      forwardUpgradesNote(facts),
    ],
    proxy: [],
    vite: finding.settings === null ? null : socketSettingsFix({ ...finding.settings }, facts),
    afterwards: afterwards({ proxy: null, vite: finding.settings !== null }, facts),
  }
}

/** Settings only a page's report vouches for: what they rest on, and the check that prints them for a typed URL. */
function unconfirmedNote(finding: Extract<Finding, { cause: 'socket-misdirected' }>, facts: ViteFacts): string {
  const host = finding.unconfirmedHost
  const [subject, risk] =
    host === undefined
      ? [finding.clientOrigin, 'settings made from it could break a socket that works']
      : [`"${host}"`, "the socket's host is where the browser takes updates from"]
  return `Nothing to paste: ${subject} comes from the page's report, not your config, and anyone who can load a page can send one; ${risk}. If you open the app at ${finding.clientOrigin}, run npx hmr-doctor check <the URL you open the page at>: it prints server.${facts.hmrConfigKey} for that URL.`
}
