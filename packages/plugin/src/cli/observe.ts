import { CheckError } from './check-error.js'
import { corsAllows } from './cors.js'
import { type DialOutcome, dial } from './dial.js'
import { blockedHostname, type HopReply, kindOfAnswer } from './hop-reply.js'
import { type HttpAnswer, httpGet } from './http-get.js'
import { clientCandidates, readServedClient, type ServedClient, socketTargets } from './served-client.js'

export interface CheckOptions {
  url: URL
  /** The Origin the socket is dialled with: the page's, unless `--origin` names another. */
  origin: string | null
  client: URL | null
  insecure: boolean
  timeoutMs: number
  /** How long to hold an opened socket without traffic (`--idle`), 0 for not at all. */
  idleMs: number
}

/** One socket the browser would dial, and how it went. */
export interface SocketCheck {
  url: string
  /** The browser would not dial it at all (mixed content): why. */
  blocked: string | null
  outcome: DialOutcome | null
  /** For a socket that failed: its URL asked over plain HTTP, as the browser snippet asks it. */
  probe: HopReply | 'no-answer' | null
}

/** An opened socket a proxy closed while it was idle. */
export interface IdleClose {
  code: number
  openForMs: number
  idleMs: number
}

export interface Observations {
  pageUrl: URL
  origin: string
  page: HopReply
  /** Vite's host check refused the page: the name it refused. */
  blockedHost: string | null
  /** Page URLs that redirected back to one already asked: Vite's redirect into `base` behind a stripped prefix. */
  loopedRedirects: string[]
  /** Vite's client as the page names it, and what its URL answered. */
  clientTag: { url: URL; reply: HopReply } | null
  /** Where Vite's client was found after all (the tag's URL, or under the page's own directory). */
  client: URL | null
  served: ServedClient | null
  /** Vite served its client without letting the page's origin run it (CORS): the browser dials nothing. */
  corsRefused: boolean
  primary: SocketCheck | null
  direct: SocketCheck | null
  /** The first socket again, without an Origin: opens when only the token (which Vite checks with an Origin) was lost. */
  withoutOrigin: DialOutcome | null
  idle: { heldMs: number; closes: IdleClose[] } | null
}

const MAX_REDIRECTS = 5

/**
 * The whole check's time (`--timeout`): every wait takes its share of what is left, so no server, however
 * slow its headers or endless its body, stretches the run past it.
 */
export class Budget {
  private readonly end: number
  constructor(ms: number) {
    this.end = performance.now() + ms
  }
  /** What is left, split evenly among the `steps` waits that may still come. */
  share(steps = 1): number {
    return Math.max(0, Math.floor((this.end - performance.now()) / steps))
  }
}

interface Run extends CheckOptions {
  budget: Budget
}

const LOOPBACK = /^(localhost|127(\.\d+){3}|\[::1\])$/i

function reply(answer: HttpAnswer): HopReply {
  const raw: string[] = []
  for (const name of answer.rawNames) raw.push(name, answer.headers[name.toLowerCase()] ?? '')
  return kindOfAnswer(answer.status, raw, answer.body)
}

/** Where a redirect points, when it is one a browser follows for a page: http or https only. */
function redirectTarget(answer: HttpAnswer, from: URL): URL | null {
  const location = answer.headers.location
  if (answer.status < 300 || answer.status > 399 || location === undefined) return null
  try {
    const next = new URL(location, from)
    return next.protocol === 'http:' || next.protocol === 'https:' ? next : null
  } catch {
    return null
  }
}

/** The page as the browser loads it, following redirects, noting any that come back to a URL already asked. */
async function loadPage(options: Run) {
  const asked = new Set<string>()
  const looped: string[] = []
  let url = options.url
  for (let hop = 0; ; hop += 1) {
    asked.add(url.href)
    const answer = await httpGet(url, { insecure: options.insecure, timeoutMs: options.budget.share() })
    const next = redirectTarget(answer, url)
    if (next === null || hop >= MAX_REDIRECTS) return { url, answer, looped }
    if (asked.has(next.href)) looped.push(url.pathname)
    url = next
  }
}

/**
 * Vite's client where `url` points, or null when something else answers there. Asked as a page on `origin`
 * asks for a module script: with its Origin when that differs from the client's, which Vite's CORS answers.
 */
async function loadClient(url: URL, options: Run, origin: string) {
  const headers: Record<string, string> = url.origin === origin ? {} : { origin }
  const answer = await httpGet(url, { insecure: options.insecure, timeoutMs: options.budget.share(), headers })
  let served: ServedClient | null = null
  if (answer.status === 200) {
    try {
      served = readServedClient(answer.body, url.href)
    } catch {
      served = null
    }
  }
  return { reply: reply(answer), served, corsAllowed: corsAllows(answer, origin, url) }
}

async function probe(url: string, options: Run, steps: number): Promise<HopReply | 'no-answer'> {
  const target = new URL(url)
  target.hash = ''
  target.protocol = target.protocol === 'wss:' ? 'https:' : 'http:'
  try {
    return reply(await httpGet(target, { insecure: options.insecure, timeoutMs: options.budget.share(steps) }))
  } catch {
    return 'no-answer'
  }
}

/**
 * Dials a socket as the browser would, then asks its URL over plain HTTP when it failed. `steps`: the waits
 * still to come, this one's two included, which share what is left of the run's time.
 */
async function checkSocket(url: string, page: URL, options: Run, origin: string, token: string | null, steps: number) {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return { url, blocked: 'the browser refuses this URL (SyntaxError)', outcome: null, probe: null }
  }
  // Chromium blocks ws:// from an https page unless it goes to a loopback address.
  if (page.protocol === 'https:' && parsed.protocol === 'ws:' && !LOOPBACK.test(parsed.hostname)) {
    return { url, blocked: 'Mixed Content: an https page may not dial ws://', outcome: null, probe: null }
  }
  const timeoutMs = options.budget.share(steps)
  const { outcome } = await dial(url, { origin, token, insecure: options.insecure, timeoutMs })
  const failed = outcome.kind !== 'opened'
  return { url, blocked: null, outcome, probe: failed ? await probe(url, options, steps - 1) : null }
}

/** Holds two quiet sockets open at once: a proxy's idle timeout closes both at the same idle time. */
async function holdIdle(url: string, options: Run, origin: string, token: string | null) {
  const dialOptions = { origin, token, insecure: options.insecure, timeoutMs: options.budget.share() }
  const opened = await Promise.all([dial(url, dialOptions, true), dial(url, dialOptions, true)])
  const closes = await Promise.all(
    opened.map(({ open }) =>
      open === null
        ? Promise.resolve(null)
        : new Promise<IdleClose | null>((resolve) => {
            const timer = setTimeout(() => {
              open.socket.close(1000)
              resolve(null)
            }, options.idleMs)
            open.socket.on('message', () => {
              open.lastFrameAt = performance.now()
            })
            open.socket.once('close', (code) => {
              clearTimeout(timer)
              const now = performance.now()
              resolve({
                code,
                openForMs: Math.round(now - open.openedAt),
                idleMs: Math.round(now - open.lastFrameAt),
              })
            })
          }),
    ),
  )
  return { heldMs: options.idleMs, closes: closes.filter((close): close is IdleClose => close !== null) }
}

/** The page's directory, which a proxy that strips a prefix maps to Vite's root: `/app/` for `/app/index.html`. */
function pageDirectory(url: URL): string {
  return url.pathname.slice(0, url.pathname.lastIndexOf('/') + 1)
}

/** What a browser opening `options.url` meets, hop by hop: page, client, socket, direct fallback. */
export async function observe(checkOptions: CheckOptions): Promise<Observations> {
  const options: Run = { ...checkOptions, budget: new Budget(checkOptions.timeoutMs) }
  const { url: pageUrl, answer, looped } = await loadPage(options)
  const origin = options.origin ?? pageUrl.origin
  const observations: Observations = {
    pageUrl,
    origin,
    page: reply(answer),
    blockedHost: blockedHostname(answer.status, answer.body),
    loopedRedirects: looped,
    clientTag: null,
    client: null,
    served: null,
    corsRefused: false,
    primary: null,
    direct: null,
    withoutOrigin: null,
    idle: null,
  }
  // A refused page never runs Vite's client: nothing further to dial.
  if (observations.blockedHost !== null || answer.status === 403) return observations
  if (looped.length > 0) {
    // A page redirected back to itself: Vite redirecting into `base` what a proxy stripped of that prefix.
    // Then `base` is the page's directory, and the client sits at that prefix twice over (one for the
    // proxy to strip): loading it there proves it, and names where Vite listens.
    const dir = pageDirectory(pageUrl)
    const loaded = await loadClient(new URL(`${dir}${dir.slice(1)}@vite/client`, pageUrl), options, origin)
    observations.served = loaded.served
    return observations
  }

  const candidates = clientCandidates(pageUrl, answer.body, options.client)
  const tagged = candidates[0]
  if (tagged) {
    const loaded = await loadClient(tagged, options, origin)
    observations.clientTag = { url: tagged, reply: loaded.reply }
    if (loaded.served) {
      observations.client = tagged
      observations.served = loaded.served
      observations.corsRefused = !loaded.corsAllowed
    }
  }
  if (!observations.served && options.client === null) {
    // No tag (a page that names no client) or a tag that failed: the client under the page's own directory
    // is where a proxy that strips the page's prefix would serve it from.
    const guess = new URL(`${pageDirectory(pageUrl)}@vite/client`, pageUrl)
    if (guess.href !== tagged?.href) {
      const loaded = await loadClient(guess, options, origin)
      if (loaded.served) {
        observations.client = guess
        observations.served = loaded.served
      }
    }
  }
  if (!observations.served && (options.client !== null || observations.clientTag === null)) {
    throw new CheckError(
      options.client === null
        ? `no Vite client on ${pageUrl.href}: the page names none (for a page a backend renders, pass --client <url>)`
        : `--client ${options.client.href} is not Vite's client`,
    )
  }
  const served = observations.served
  const client = observations.client
  // A page whose own client tag fails never runs Vite's client: there is no socket to dial.
  const tagFailed = observations.clientTag !== null && observations.clientTag.url.href !== client?.href
  if (!served || !client || tagFailed || observations.corsRefused) return observations

  const targets = socketTargets(client, served)
  // The socket, its plain-HTTP probe, and the direct fallback's two: four waits at most.
  observations.primary = await checkSocket(targets.primary, pageUrl, options, origin, served.token, 4)
  const primary = observations.primary.outcome
  if (primary?.kind === 'opened') {
    if (options.idleMs > 0) observations.idle = await holdIdle(targets.primary, options, origin, served.token)
    return observations
  }
  if (primary?.kind === 'answered' && primary.reply.status === 400 && served.token !== null) {
    const again = await dial(targets.primary, {
      origin: null,
      token: served.token,
      insecure: options.insecure,
      timeoutMs: options.budget.share(3),
    })
    observations.withoutOrigin = again.outcome
  }
  // A handshake left unanswered hangs in a browser, whose client then dials no fallback: none to claim.
  if (targets.direct !== null && primary?.kind !== 'timeout') {
    observations.direct = await checkSocket(targets.direct, pageUrl, options, origin, served.token, 2)
  }
  return observations
}
