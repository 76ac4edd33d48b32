/**
 * One compose project of the demo's, on its engine: brought up, read, and taken down by this run only. On an
 * engine without a bridge it refuses any file in which a service would need one.
 */
import { existsSync, readFileSync } from 'node:fs'
import { hostNetworkViolation } from '../kit/index.ts'
import { type Engine, run } from './engine.ts'

export interface Compose {
  /** Starts `services` (all of them when empty) under `profile`, when given. */
  up(services: string[], profile?: string): void
  restart(service: string): void
  stop(service: string): void
  /** What the service's container printed on stdout and stderr, exactly (no compose prefixes). */
  logs(service: string): string
  /** Removes the project's containers; once. */
  down(): void
}

export function openCompose(engine: Engine, file: string, env: Record<string, string>): Compose {
  if (engine.noBridge) {
    const violation = hostNetworkViolation(readFileSync(file, 'utf8'))
    if (violation !== null) throw new Error(`Refusing ${file} on an engine without a bridge: ${violation}.`)
  }
  const project = `hmr-doctor-demo-${process.pid}`
  const fullEnv = { ...engine.env, ...env }
  // docker-compose 1.x where it is installed (Debian's), else the `docker compose` plugin.
  const [command, ...prefix] = existsSync('/usr/bin/docker-compose')
    ? ['/usr/bin/docker-compose']
    : ['docker', 'compose']
  const compose = (args: string[]) =>
    run(command ?? 'docker', [...prefix, '-p', project, '-f', file, ...args], { env: fullEnv })
  let down = false
  const container = (service: string) => compose(['ps', '-q', service]).trim()
  return {
    up: (services, profile) => compose([...(profile ? ['--profile', profile] : []), 'up', '-d', ...services]),
    restart: (service) => compose(['restart', service]),
    stop: (service) => compose(['stop', service]),
    logs(service) {
      const id = container(service)
      // Vite's logger warns on stderr, which `docker logs` keeps apart.
      return id ? engine.docker(['logs', id], { stderr: true }) : ''
    },
    down() {
      if (down) return
      down = true
      compose(['down', '--remove-orphans'])
    },
  }
}

/** The engine's networks other than `host` and `none`: on an engine without a bridge, there must be none. */
export function extraNetworks(engine: Engine): string[] {
  return engine
    .docker(['network', 'ls', '--format', '{{.Name}} {{.Driver}}'])
    .split('\n')
    .filter((line) => line.trim() && !/^(host host|none null)$/.test(line.trim()))
}

/** The host's network interfaces, by name: compared before and after, nothing may have been added. */
export function interfaces(): string[] {
  return run('ip', ['-o', 'link', 'show'])
    .split('\n')
    .map((line) => /^\d+:\s*([^:@]+)/.exec(line)?.[1] ?? '')
    .filter(Boolean)
    .sort()
}
