import { Budget, type Run } from './budget.js'
import { CheckError } from './check-error.js'
import { checkSocket, holdIdle } from './check-socket.js'
import { type DialOutcome, dial } from './dial.js'
import { blockedHostname, type HopReply } from './hop-reply.js'
import { loadClient, loadPage, pageDirectory, reply } from './load-page.js'
import { clientCandidates, type ServedClient, socketTargets } from './served-client.js'

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
  /**
   * For a socket that hung though its URL over plain HTTP answered with Vite's page: the same handshake
   * dialled straight at the address Vite's client names (never a fallback a browser would dial).
   */
  atVite: DialOutcome | null
  /** The page's origin serves another Vite's client at its root than the page's own: a Vite is the hop. */
  viteAtRoot: boolean
  idle: { heldMs: number; closes: IdleClose[] } | null
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
    atVite: null,
    viteAtRoot: false,
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
  let refusal: CheckError | null = null
  if (tagged) {
    const loaded = await loadClient(tagged, options, origin)
    refusal = loaded.refusal
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
      refusal ??= loaded.refusal
      if (loaded.served) {
        observations.client = guess
        observations.served = loaded.served
      }
    }
  }
  if (!observations.served && (options.client !== null || observations.clientTag === null)) {
    if (refusal !== null) throw refusal
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
  const probe = observations.primary.probe
  // Hung at a URL the hop routes to Vite over plain HTTP: does Vite itself open that handshake?
  if (targets.direct !== null && primary?.kind === 'timeout' && probe !== 'no-answer' && probe?.kind === 'vite-page') {
    observations.atVite = await dialAtVite(targets.primary, targets.direct, options, origin, served.token)
    const root = new URL('/@vite/client', pageUrl.origin)
    if (observations.atVite?.kind === 'opened' && root.href !== client.href) {
      observations.viteAtRoot = (await loadClient(root, options, origin)).served !== null
    }
  }
  // A handshake left unanswered hangs in a browser, whose client then dials no fallback: none to claim.
  if (targets.direct !== null && primary?.kind !== 'timeout') {
    observations.direct = await checkSocket(targets.direct, pageUrl, options, origin, served.token, 2)
  }
  return observations
}

/** The socket's own URL at Vite's address (the direct fallback's target leaves out hmr.path), dialled once. */
async function dialAtVite(socket: string, direct: string, options: Run, origin: string, token: string | null) {
  const url = new URL(socket)
  const vite = new URL(direct)
  url.protocol = vite.protocol
  url.host = vite.host
  const { outcome } = await dial(url.href, {
    origin,
    token,
    insecure: options.insecure,
    timeoutMs: options.budget.share(2),
  })
  return outcome
}
