/**
 * The Docker engine the demo runs on: one that already answers (a user's Docker Desktop or engine), or, on a
 * root Debian machine without one, Debian's own, started here with no bridge and stopped after.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { waitFor } from '../kit/index.ts'
import { step } from '../story.ts'

/** What survives between runs (the engine's images, the base image's rootfs): outside the checkout. */
export const CACHE_DIR = '/var/cache/hmr-doctor'
const RUN_DIR = '/run/hmr-doctor'
const DAEMON_JSON = '/etc/docker/daemon.json'

/** No bridge, no iptables, no forwarding: containers on the host's network only, nothing else touched. */
export const NO_BRIDGE = { bridge: 'none', iptables: false, ip6tables: false, 'ip-forward': false, 'ip-masq': false }

const ENGINE_PACKAGES: Record<string, string> = {
  'docker.io': '/usr/sbin/dockerd',
  'docker-compose': '/usr/bin/docker-compose',
  debootstrap: '/usr/sbin/debootstrap',
}

export interface Engine {
  /** `docker` with this engine's address: its stdout, and its stderr too with `stderr`. */
  docker(args: string[], options?: { stderr?: boolean }): string
  /** The environment that points `docker` and `docker-compose` at it. */
  env: NodeJS.ProcessEnv
  /** Whether the engine has no bridge: services must use the host's network, images are built here. */
  noBridge: boolean
  /** Stops the daemon when this run started it; nothing otherwise. */
  stop(): Promise<void>
}

/** Runs a command to completion; throws with its output when it fails. */
export function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; stderr?: boolean } = {},
): string {
  const result = spawnSync(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  if (result.error) throw new Error(`${command} could not start: ${result.error.message}`)
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim()
    throw new Error(
      `${[command, ...args].join(' ')} exited with ${result.status ?? result.signal}${output ? `:\n${output}` : ''}`,
    )
  }
  return options.stderr ? result.stdout + result.stderr : result.stdout
}

function answers(env: NodeJS.ProcessEnv): boolean {
  return spawnSync('docker', ['info'], { env, stdio: 'ignore' }).status === 0
}

/**
 * The daemon's settings, written before it ever starts (installing docker.io may start it): kept when they
 * already say the same, never overwritten when they say something else.
 */
function ensureDaemonJson(): void {
  if (existsSync(DAEMON_JSON)) {
    let current: Record<string, unknown> = {}
    try {
      current = JSON.parse(readFileSync(DAEMON_JSON, 'utf8')) as Record<string, unknown>
    } catch {
      throw new Error(`${DAEMON_JSON} is not JSON: fix or remove it, then run the demo again.`)
    }
    const differs = Object.entries(NO_BRIDGE).filter(([key, value]) => current[key] !== value)
    if (differs.length > 0) {
      throw new Error(
        `${DAEMON_JSON} exists without ${differs.map(([key, value]) => `"${key}": ${JSON.stringify(value)}`).join(', ')}: the demo starts a daemon only with no bridge, and leaves your settings alone.`,
      )
    }
    return
  }
  mkdirSync('/etc/docker', { recursive: true })
  writeFileSync(DAEMON_JSON, `${JSON.stringify(NO_BRIDGE)}\n`)
  step(`Wrote ${DAEMON_JSON}: no bridge, no iptables, no forwarding`)
}

function ensurePackages(): void {
  const missing = Object.keys(ENGINE_PACKAGES).filter((name) => !existsSync(ENGINE_PACKAGES[name] ?? ''))
  if (missing.length === 0) return
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    throw new Error(
      `No Docker engine answers here, and ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing. As root on Debian the demo installs them; otherwise start Docker and run it again.`,
    )
  }
  step(`Installing ${missing.join(' ')} with apt-get`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  run('apt-get', ['update', '-qq'], { env })
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env })
}

/** Starts Debian's dockerd with its own data, exec root, pidfile and socket; waits until it answers. */
async function startDaemon(): Promise<{ env: NodeJS.ProcessEnv; child: ChildProcess }> {
  mkdirSync(RUN_DIR, { recursive: true })
  mkdirSync(`${CACHE_DIR}/docker`, { recursive: true })
  const pidfile = `${RUN_DIR}/dockerd.pid`
  if (existsSync(pidfile)) {
    const pid = Number(readFileSync(pidfile, 'utf8'))
    if (pid > 0 && spawnSync('kill', ['-0', String(pid)]).status === 0) {
      throw new Error(`Another run's dockerd (pid ${pid}, ${pidfile}) is still running: wait for that run to end.`)
    }
  }
  const socket = `unix://${RUN_DIR}/docker.sock`
  const log = openSync(`${RUN_DIR}/dockerd.log`, 'w')
  const child = spawn(
    '/usr/sbin/dockerd',
    [
      '--config-file',
      DAEMON_JSON,
      '--data-root',
      `${CACHE_DIR}/docker`,
      '--exec-root',
      `${RUN_DIR}/exec`,
      '--pidfile',
      pidfile,
      '--host',
      socket,
    ],
    { stdio: ['ignore', log, log] },
  )
  closeSync(log)
  // Debian's client builds with the classic builder, which takes `--network host` for RUN steps.
  const env = { ...process.env, DOCKER_HOST: socket, DOCKER_BUILDKIT: '0' }
  await waitFor(
    'dockerd to answer',
    () => {
      if (child.exitCode !== null) throw new Error(`dockerd exited: see ${RUN_DIR}/dockerd.log`)
      return answers(env)
    },
    60_000,
  )
  return { env, child }
}

async function stopDaemon(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const late = setTimeout(() => child.kill('SIGKILL'), 30_000)
  await exited
  clearTimeout(late)
  // dockerd leaves its own network namespace bound under the exec root.
  spawnSync('umount', [`${RUN_DIR}/exec/netns/default`], { stdio: 'ignore' })
}

function engine(cli: string, env: NodeJS.ProcessEnv, noBridge: boolean, stop: () => Promise<void>): Engine {
  return { env, noBridge, stop, docker: (args, options) => run(cli, args, { env, ...options }) }
}

/**
 * The engine to run on: one that already answers (with no bridge network, it is treated as this machine kind),
 * else Debian's, installed when missing and root, started here with `NO_BRIDGE`.
 */
export async function openEngine(): Promise<Engine> {
  if (answers(process.env)) {
    const bridged = spawnSync('docker', ['network', 'inspect', 'bridge'], { stdio: 'ignore' }).status === 0
    step(`A Docker engine answers here${bridged ? '' : ', without a bridge network'}`)
    return engine('docker', process.env, !bridged, async () => {})
  }
  ensureDaemonJson()
  ensurePackages()
  step('No Docker engine answers here: starting dockerd with no bridge (host networking only)')
  const { env, child } = await startDaemon()
  // Debian's own client, for Debian's own daemon.
  return engine('/usr/bin/docker', env, true, async () => {
    step('Stopping the dockerd this demo started')
    await stopDaemon(child)
  })
}
