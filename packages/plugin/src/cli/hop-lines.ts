import { cleanText } from '../safe/sanitize.js'
import { MAX_PRINTED_URL } from '../shared/constants.js'
import type { DialOutcome } from './dial.js'
import type { HopReply } from './hop-reply.js'
import type { Observations, SocketCheck } from './observe.js'

/** One request the check made, in the order a browser makes them, and what answered. */
export interface HopLine {
  /** `page`, `client`, `socket`, `direct` (Vite's direct fallback), `idle`. */
  step: 'page' | 'client' | 'socket' | 'direct' | 'idle'
  url: string
  /** `opened`, `answered`, `failed`, `timeout`, `blocked`, `closed` (idle), `held` (idle). */
  result: string
  status: number | null
  /** The answer's body: `vite-page`, `vite-client`, `upgrade-required`, `other`. */
  kind: string | null
  server: string | null
  /** The `Connection`, `Upgrade` and `Via` headers the answer carried. */
  headers: Record<string, string>
  /** For a failed socket: its URL asked over plain HTTP. */
  plainHttp: { status: number | null; kind: string; server: string | null } | null
  text: string
}

const KIND_WORDS: Record<string, string> = {
  'vite-page': "Vite's page",
  'upgrade-required': "Vite's 426 Upgrade Required",
  other: 'not from Vite',
}

function answered(reply: HopReply): string {
  const server = reply.server ? `, Server: ${reply.server}` : ''
  return `${reply.status} (${KIND_WORDS[reply.kind] ?? reply.kind}${server})`
}

function line(step: HopLine['step'], url: string, result: string, reply: HopReply | null, text: string): HopLine {
  return {
    step,
    url,
    result,
    status: reply?.status ?? null,
    kind: reply?.kind ?? null,
    server: reply?.server ?? null,
    headers: reply?.hopHeaders ?? {},
    plainHttp: null,
    text,
  }
}

function outcomeText(outcome: DialOutcome): string {
  if (outcome.kind === 'opened') return `opened, Vite greeted it (${outcome.afterMs} ms)`
  if (outcome.kind === 'answered') return `answered ${answered(outcome.reply)} instead of switching protocols`
  if (outcome.kind === 'failed') return `failed: ${outcome.error}`
  return `no answer in ${Math.round(outcome.afterMs / 1000)} s`
}

function socketLine(step: 'socket' | 'direct', check: SocketCheck): HopLine {
  if (check.blocked !== null)
    return line(step, check.url, 'blocked', null, `${check.url} not dialled: ${check.blocked}`)
  const outcome = check.outcome
  if (!outcome) return line(step, check.url, 'blocked', null, `${check.url} not dialled`)
  const reply = outcome.kind === 'answered' ? outcome.reply : null
  const result = line(step, check.url, outcome.kind, reply, `${check.url} ${outcomeText(outcome)}`)
  if (check.probe === 'no-answer') {
    result.plainHttp = { status: null, kind: 'no-answer', server: null }
    result.text += '; over plain HTTP: no answer'
  } else if (check.probe) {
    result.plainHttp = { status: check.probe.status, kind: check.probe.kind, server: check.probe.server }
    result.text += `; over plain HTTP: ${answered(check.probe)}`
  }
  return result
}

/** Every hop the check asked, as lines for the terminal and entries for the JSON result. */
export function describeHops(observations: Observations): HopLine[] {
  const { page, pageUrl } = observations
  const looped = observations.loopedRedirects.length
  const pageText = [
    `${pageUrl.href} answered ${answered(page)}`,
    looped > 0 ? `, back to the same URL (followed ${looped} times)` : '',
    observations.blockedHost !== null ? `: Vite's host check refuses "${observations.blockedHost}"` : '',
  ].join('')
  const lines = [line('page', pageUrl.href, 'answered', page, pageText)]
  const tag = observations.clientTag
  if (tag) {
    const served = observations.client?.href === tag.url.href
    const what = served
      ? `${tag.reply.status} (Vite's client${tag.reply.server ? `, Server: ${tag.reply.server}` : ''})`
      : answered(tag.reply)
    const client = line('client', tag.url.href, 'answered', tag.reply, `${tag.url.href} answered ${what}`)
    lines.push(served ? { ...client, kind: 'vite-client' } : client)
  }
  if (observations.client && observations.client.href !== tag?.url.href) {
    lines.push(
      line('client', observations.client.href, 'answered', null, `Vite's client found at ${observations.client.href}`),
    )
  }
  if (observations.primary) lines.push(socketLine('socket', observations.primary))
  if (observations.direct) lines.push(socketLine('direct', observations.direct))
  const idle = observations.idle
  if (idle) {
    const closed = idle.closes.map((close) => `${close.code} after ${(close.idleMs / 1000).toFixed(1)} s idle`)
    lines.push(
      line(
        'idle',
        observations.primary?.url ?? '',
        closed.length > 0 ? 'closed' : 'held',
        null,
        closed.length > 0
          ? `two quiet sockets closed: ${closed.join(', ')}`
          : `two quiet sockets stayed open for ${Math.round(idle.heldMs / 1000)} s`,
      ),
    )
  }
  // Every line holds what a remote server said (URLs it named, headers, a refused name): printable only.
  return lines.map((hop) => ({ ...hop, url: cleanText(hop.url, MAX_PRINTED_URL), text: cleanText(hop.text, 800) }))
}

/** The check's own `seen:` line for a finding: the socket as it answered, else the page and its client. */
export function socketSeen(observations: Observations): string | null {
  const hops = describeHops(observations)
  const socket = hops.find((hop) => hop.step === 'socket')
  const idle = hops.find((hop) => hop.step === 'idle')
  return (idle ?? socket ?? hops.at(-1))?.text ?? null
}
