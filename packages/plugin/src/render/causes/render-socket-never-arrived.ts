import type { Finding } from '../../diagnose/finding-types.js'
import { timing } from '../../shared/timing.js'
import type { ViteFacts } from '../../vite/vite-facts.js'
import { afterwards } from '../afterwards.js'
import { fallbackNote, seconds } from '../notes.js'
import { syntaxFor } from '../proxies/syntaxes.js'
import type { RenderedFinding } from '../rendered-types.js'
import { upstreamFor } from '../upstream.js'
import { toldAbout } from './observed.js'

type SocketNeverArrived = Extract<Finding, { cause: 'socket-never-arrived' }>

/**
 * The proxy that carried the page held its socket: a route for the socket's path that doesn't reach Vite,
 * which the proxy retries before it answers. Its route to where Vite listens fixes it, in its own syntax.
 */
function heldByProxy(finding: SocketNeverArrived, facts: ViteFacts): RenderedFinding | null {
  const syntax = finding.proxy ? syntaxFor(finding.proxy) : null
  // The route uses Vite's own address and its own HMR path: nothing from the page's word.
  const upstream = upstreamFor(null, facts, null)
  const fix = syntax && upstream !== null ? syntax.routeSocket({ facts, upstream }) : null
  if (!syntax || !fix) return null
  return {
    summary: `${syntax.name} carries the page but holds its HMR socket: its route for ${facts.hmrPath} doesn't reach Vite.`,
    evidence: `the page at ${finding.pageOrigin} dialled ${finding.socketUrl}, where ${syntax.name} carried its report; asked over plain HTTP, that URL didn't answer within ${seconds(timing.reportCapMs)}, and no handshake for ${facts.hmrPath} arrived at Vite`,
    notes: [
      ...fallbackNote(finding.fallback, facts),
      `The route's server can't be reached: a proxy retries a refused server, or waits out its connect timeout, before it answers. Route ${facts.hmrPath} to where Vite listens (${upstream}).`,
      ...fix.notes,
    ],
    proxy: fix.blocks,
    vite: null,
    afterwards: afterwards({ proxy: syntax, vite: false }, facts),
  }
}

/** No rule explains it: what was seen, each clause from the evidence, and no fix the evidence can't back. */
export function renderSocketNeverArrived(finding: SocketNeverArrived, facts: ViteFacts): RenderedFinding {
  const held = heldByProxy(finding, facts)
  if (held) return held
  const dialled = finding.socketUrl
    ? `dialled ${finding.socketUrl}`
    : `loaded ${facts.clientPath} and dialled no socket that reached Vite`
  const page = finding.pageOrigin ? `The page at ${finding.pageOrigin} ` : 'A page '
  const told = finding.failed ? toldAbout(finding.failed) : []
  return {
    summary: "The browser's HMR socket never reached Vite.",
    evidence: [`${page}${dialled}`, ...told, `no handshake of any kind for ${facts.hmrPath} arrived at Vite.`].join(
      '; ',
    ),
    notes: [
      ...fallbackNote(finding.fallback, facts),
      'No rule of the doctor explains this failure, so it prints what it saw and no fix.',
    ],
    proxy: [],
    vite: null,
    afterwards: null,
  }
}
