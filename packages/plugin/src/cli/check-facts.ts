import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { MIDDLEWARE_HMR_PORT } from '../shared/constants.js'
import { hmrConfigKeyFor, type ViteFacts } from '../vite/vite-facts.js'
import type { Observations } from './observe.js'
import type { ProjectConfig } from './project-config.js'
import type { ServedClient } from './served-client.js'

/** The facts a check runs on, and in words what it had to assume for want of the project's own config. */
export interface CheckFacts {
  facts: ViteFacts
  assumed: string[]
  /** What was said about the project's config (`--project`): read, or why it was not used. */
  notes: string[]
}

/** The version of the Vite installed in `folder`'s project, when the check runs in one. */
export function projectViteVersion(folder: string): string | null {
  try {
    const require = createRequire(join(folder, 'package.json'))
    const manifest: unknown = JSON.parse(readFileSync(require.resolve('vite/package.json'), 'utf8'))
    const version = (manifest as { version?: unknown }).version
    return typeof version === 'string' && /^\d+\.\d+\.\d+/.test(version) ? version : null
  } catch {
    return null
  }
}

/** `host:port` from the direct fallback's target (`localhost:5173/`), as Vite baked it into its client. */
function parseTarget(target: string): { host: string; port: number } | null {
  const match = /^(\[[0-9a-f:.]+\]|[^:/[\]]+):(\d{1,5})\//i.exec(target)
  const port = Number(match?.[2])
  return match?.[1] && port > 0 && port < 65_536 ? { host: match[1], port } : null
}

/**
 * The port of Vite's own server for the socket, when it answered the handshake (`426 Upgrade Required`):
 * Vite bakes `hmr.port` into the direct fallback's target.
 */
export function socketServerPort(observations: Observations): number | null {
  const outcome = observations.primary?.outcome
  const answered = outcome?.kind === 'answered' && outcome.reply.kind === 'upgrade-required'
  return answered && observations.served ? (parseTarget(observations.served.directTarget)?.port ?? null) : null
}

/**
 * ViteFacts from what Vite served: its client's HMR settings, and where its direct fallback reached it.
 * The version (which picks `server.hmr` or `server.ws` in printed fixes) comes from the project folder
 * when there is one.
 */
export function checkFacts(
  observations: Observations,
  viteVersion: string | null,
  project: ProjectConfig | null = null,
): CheckFacts {
  const served = observations.served
  const mismatch = project && served ? projectMismatch(project.facts, served) : null
  if (project && served && mismatch === null) {
    const target = parseTarget(served.directTarget)
    // The direct target names the port the server got (it may differ from the config's when that was
    // taken), except where `hmr.port` stands in it.
    const listen = project.facts.hmr.port === undefined && target ? target : project.listen
    return {
      facts: { ...project.facts, listen },
      assumed: [],
      notes: [`Vite's settings come from ${project.file} (Vite ${project.version}), as Vite resolves it.`],
    }
  }
  const checked = servedFacts(observations, viteVersion)
  if (project === null || mismatch === null) return checked
  return {
    ...checked,
    notes: [`${project.file} is not the config of the server checked (${mismatch}): its settings are not used.`],
  }
}

/** Where the project's resolved config disagrees with the client the server served, or null. */
function projectMismatch(facts: ViteFacts, served: ServedClient): string | null {
  const base = served.base.endsWith('/') ? served.base : `${served.base}/`
  if (facts.base !== base) return `its base is ${facts.base}, the server's ${base}`
  if (facts.hmrPath !== served.hmrBase) return `its HMR path is ${facts.hmrPath}, the server's ${served.hmrBase}`
  const port =
    facts.hmr.clientPort ?? facts.hmr.port ?? (facts.middlewareMode && !facts.hmr.server ? MIDDLEWARE_HMR_PORT : null)
  if (port !== served.port)
    return `its HMR port is ${port ?? 'the page’s'}, the server's ${served.port ?? 'the page’s'}`
  return null
}

/** ViteFacts from what Vite served alone. */
function servedFacts(observations: Observations, viteVersion: string | null): CheckFacts {
  const assumed: string[] = []
  const served = observations.served
  const token = served?.token ?? null
  let version = viteVersion
  if (version === null) {
    // The served client says only this much: a token from 5.4.12 / 6.0.9 on, the ping interval from 6.
    version = token === null ? '5.0.0' : served?.pingMs === null ? '5.4.12' : '6.0.9'
    assumed.push(
      `Vite's version is not known here (run in the project's folder to read it): fixes use server.hmr, which every Vite accepts.`,
    )
  }
  const base = served?.base.endsWith('/') ? served.base : `${served?.base ?? ''}/`
  const target = served ? parseTarget(served.directTarget) : null
  const direct = observations.direct
  const reached = direct?.outcome?.kind === 'opened' && target !== null
  // The direct target names `hmr.port` when one is set: where the socket server answered 426, that is its
  // port, and the dev server's own address is unknown.
  const hmrServerPort = socketServerPort(observations)
  const listen = target && hmrServerPort === null ? target : null
  if (target && !reached) {
    const unreached = direct ? '; its direct fallback did not reach it from here' : ''
    assumed.push(`Vite listens on ${target.host}:${target.port}, as its client names it${unreached}.`)
  }
  if (served?.port !== undefined && served.port !== null) {
    assumed.push(
      `the client's HMR port ${served.port} is taken as server.hmr.port (the client can't tell it from clientPort).`,
    )
  }
  const facts: ViteFacts = {
    viteVersion: version,
    hmrConfigKey: hmrConfigKeyFor(version),
    base,
    hmrPath: served?.hmrBase ?? base,
    clientPath: `${base}@vite/client`,
    hmr: {
      ...(served?.port ? { port: served.port } : {}),
      ...(served?.hostname ? { host: served.hostname } : {}),
      ...(served?.protocol ? { protocol: served.protocol } : {}),
    },
    listen,
    allowedHosts: token === null ? true : [],
    httpHostCheck: true,
    tokenCheck: true,
    issuesToken: token !== null,
    directFallback: served !== null && served.port === null,
    hmrServerPort,
    // Neither shows in what Vite serves: a framework's config file and middleware mode stay unknown here.
    configOwner: null,
    middlewareMode: false,
  }
  return { facts, assumed, notes: [] }
}
