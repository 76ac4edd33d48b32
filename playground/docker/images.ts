/**
 * The demo's image, built on this machine from Debian's mirror (no image registry): a base image from
 * `debootstrap` with nginx, once per machine, then this host's Node copied in. Both are tagged by a hash of
 * what goes into them, so a rerun with nothing changed builds nothing.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { step } from '../story.ts'
import { CACHE_DIR, type Engine, run } from './engine.ts'

const SOURCES = '/etc/apt/sources.list.d/debian.sources'
const SUITE = 'bookworm'

const hash = (...parts: Array<string | Buffer>): string => {
  const digest = createHash('sha256')
  for (const part of parts) digest.update(part).update('\0')
  return digest.digest('hex').slice(0, 16)
}

/** The mirror apt uses here for the suite itself (not its security or updates suites). */
export function debianMirror(sources: string): string | null {
  for (const stanza of sources.split(/\n\s*\n/)) {
    const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1]?.split(/\s+/) ?? []
    const uri = /^URIs:\s*(\S+)/m.exec(stanza)?.[1]
    if (uri && suites.includes(SUITE)) return uri
  }
  return null
}

function exists(engine: Engine, tag: string): boolean {
  try {
    engine.docker(['image', 'inspect', tag])
    return true
  } catch {
    return false
  }
}

/** Debian minbase with nginx, imported as an image: built only when no image has this recipe's tag. */
function baseImage(engine: Engine): string {
  const mirror = existsSync(SOURCES) ? debianMirror(readFileSync(SOURCES, 'utf8')) : null
  if (mirror === null) throw new Error(`No ${SUITE} mirror in ${SOURCES}: the base image is built from it.`)
  const recipe = ['debootstrap', '--variant=minbase', '--include=nginx', SUITE]
  const tag = `hmr-doctor/base:${hash(...recipe, mirror)}`
  if (exists(engine, tag)) return tag
  const rootfs = mkdtempSync(join(CACHE_DIR, 'rootfs-'))
  try {
    step(`Building the base image from Debian ${SUITE} (debootstrap: minutes, once per machine)`)
    run('/usr/sbin/debootstrap', [...recipe.slice(1), rootfs, mirror])
    run('tar', ['-C', rootfs, '-cf', `${rootfs}.tar`, '.'])
    engine.docker(['import', `${rootfs}.tar`, tag])
  } finally {
    rmSync(rootfs, { recursive: true, force: true })
    rmSync(`${rootfs}.tar`, { force: true })
  }
  return tag
}

const DOCKERFILE = (base: string) => `FROM ${base}
COPY node /usr/local/bin/node
RUN rm -f /etc/nginx/sites-enabled/default
`

/** The base image with this host's Node (Debian's is too old for Vite) and nginx's default site removed. */
export function demoImage(engine: Engine): string {
  const base = baseImage(engine)
  const node = readFileSync(process.execPath)
  const dockerfile = DOCKERFILE(base)
  const tag = `hmr-doctor/demo:${hash(dockerfile, node)}`
  if (exists(engine, tag)) {
    step(`Images cached: ${tag}`)
    return tag
  }
  const context = mkdtempSync(join(tmpdir(), 'hmr-doctor-image-'))
  try {
    step(`Building ${tag} (this host's Node ${process.version}, nginx from Debian)`)
    writeFileSync(join(context, 'Dockerfile'), dockerfile)
    writeFileSync(join(context, 'node'), node, { mode: 0o755 })
    // RUN steps use the host's network: this engine has no bridge to give them another.
    engine.docker(['build', '--network', 'host', '--tag', tag, context])
  } finally {
    rmSync(context, { recursive: true, force: true })
  }
  return tag
}
