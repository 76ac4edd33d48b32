import { diagnose } from '../diagnose/diagnose.js'
import type { Cause, Finding } from '../diagnose/finding-types.js'
import { renderFinding } from '../render/finding.js'
import type { RenderedFinding } from '../render/rendered-types.js'
import { timing } from '../shared/timing.js'
import type { ViteFacts } from '../vite/vite-facts.js'
import { checkEvidence } from './check-evidence.js'
import { checkFacts } from './check-facts.js'
import { corsFinding } from './cors.js'
import { describeHops, type HopLine, socketSeen } from './hop-lines.js'
import { type CheckOptions, type Observations, observe } from './observe.js'
import type { ProjectConfig } from './project-config.js'
import { refusedFinding } from './refused.js'

/** Causes whose finding rests on what the check inferred reached Vite, not on what it saw. */
const INFERRED: ReadonlySet<Cause> = new Set([
  'upgrade-stripped',
  'uri-rewritten',
  'host-rejected',
  'socket-never-arrived',
])

export interface CheckFinding extends RenderedFinding {
  /** The plugin's cause, or the one only the check sees: a client the page's origin may not run. */
  cause: Cause | 'client-cors-refused' | 'page-refused'
}

/** A whole check: what each hop answered, the findings, and what was assumed. Printed as text or JSON. */
export interface CheckResult {
  url: string
  hops: HopLine[]
  findings: CheckFinding[]
  assumed: string[]
  notes: string[]
}

/**
 * Closes at an idle time longer than Vite's client's ping interval never happen to a browser: its pings
 * keep the socket busy. Said as a note, not a finding.
 */
function harmlessIdle(observations: Observations): { observations: Observations; notes: string[] } {
  const idle = observations.idle
  // Vite 5's client doesn't name its interval where the check reads it: Vite's default, 30 s.
  const ping = observations.served?.pingMs ?? 30_000
  if (!idle || idle.closes.length === 0 || idle.closes.some((close) => close.idleMs <= ping)) {
    return { observations, notes: [] }
  }
  const seconds = Math.round(Math.min(...idle.closes.map((close) => close.idleMs)) / 1000)
  return {
    observations: { ...observations, idle: { ...idle, closes: [] } },
    notes: [
      `The proxy closes idle sockets after about ${seconds} s; Vite's client pings every ${ping / 1000} s, which keeps them open.`,
    ],
  }
}

/**
 * A check from the command line. The project's config (`project`, read only when asked) matters only to
 * the fixes, so it is read only when there are some: a healthy check never waits for it.
 */
export async function runCheck(
  options: CheckOptions,
  viteVersion: string | null,
  project: (() => Promise<ProjectConfig>) | null,
): Promise<CheckResult> {
  const observed = await observe(options)
  const config = project !== null && hasFindings(observed, viteVersion) ? await project() : null
  return runCheckOn(observed, viteVersion, config)
}

function diagnoseCheck(observations: Observations, facts: ViteFacts): Finding[] {
  return diagnose(checkEvidence(observations, Date.now()), {
    facts,
    socketGraceMs: timing.socketGraceMs,
    serverStartedAt: 0,
  })
}

/** Whether the check finds anything without the project's config: only then is that config worth reading. */
function hasFindings(observed: Observations, viteVersion: string | null): boolean {
  const { observations } = harmlessIdle(observed)
  if (observations.corsRefused || observations.page.status === 403) return true
  return diagnoseCheck(observations, checkFacts(observations, viteVersion, null).facts).length > 0
}

/** The pure half of a check: observations to findings, with the plugin's rules and renderers. */
export function runCheckOn(
  observed: Observations,
  viteVersion: string | null,
  project: ProjectConfig | null = null,
): CheckResult {
  const { observations, notes } = harmlessIdle(observed)
  const { facts, assumed, notes: configNotes } = checkFacts(observations, viteVersion, project)
  // The plugin can't see this one: the browser fetches the client, then refuses to run it, and says nothing.
  const findings: CheckFinding[] = observations.corsRefused
    ? [corsFinding(observations)]
    : diagnoseCheck(observations, facts).map((finding) => {
        // The plugin's `seen:` line says what reached Vite; where the check only inferred that from the socket's
        // answer, it says what answered instead.
        const inferred = INFERRED.has(finding.cause) && !(finding.cause === 'host-rejected' && finding.via === 'page')
        const seen = inferred ? socketSeen(observations) : null
        return { cause: finding.cause, ...renderFinding(finding, facts, { keepaliveMs: null }, seen) }
      })
  // A refused page is never healthy, whether or not a rule names why.
  if (findings.length === 0 && observations.page.status === 403) findings.push(refusedFinding(observations))
  // What was assumed shapes only the fixes: a healthy check has none to qualify.
  return {
    url: observations.pageUrl.href,
    hops: describeHops(observations),
    findings,
    assumed: findings.length > 0 ? assumed : [],
    notes: [...configNotes, ...notes],
  }
}
