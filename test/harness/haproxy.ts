import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { foreground } from 'hmr-doctor-playground/kit'
import { checkConfig } from './config-check.js'

export const HAPROXY = process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy'

/** The parts of an HAProxy setup the tests vary; everything else is a minimal HTTP proxy. */
export interface HaproxySite {
  /** `host:port` HAProxy binds. */
  listen: string
  /** `host:port` of Vite. */
  upstream: string
  /** Lines of the `defaults` section beside `mode http` (timeouts, typically). */
  defaults: string
  /**
   * Lines of the `frontend` section beside its bind (`http-request` rules, options). One with use_backend
   * rules of its own gets no default_backend: other paths then have none (HAProxy's 503).
   */
  frontend?: string
  /** Whole sections after the frontend (backends of its `use_backend` lines). */
  sections?: string
}

export function haproxyConfig(site: HaproxySite): string {
  const indent = (text: string) =>
    text
      .split('\n')
      .map((line) => `    ${line}`)
      .join('\n')
  return `global
    maxconn 256

defaults
    mode http
${indent(site.defaults)}

frontend site
    bind ${site.listen}
${site.frontend ? `${indent(site.frontend)}\n` : ''}${/^use_backend /m.test(site.frontend ?? '') ? '' : '    default_backend vite\n'}
backend vite
    server vite ${site.upstream}
${site.sections ? `\n${site.sections}\n` : ''}`
}

export interface RunningHaproxy {
  restart(config: string): Promise<void>
  stop(): Promise<void>
}

/** HAProxy in the foreground (`-db`) from `config` in a temp dir; waits until it accepts connections. */
export async function startHaproxy(config: string, listen: { host: string; port: number }): Promise<RunningHaproxy> {
  const dir = mkdtempSync(join(tmpdir(), 'hmr-doctor-haproxy-'))
  const file = join(dir, 'haproxy.cfg')
  const server = foreground({ name: 'haproxy', command: HAPROXY, args: ['-db', '-f', file], listen })
  const launch = (text: string): Promise<void> => {
    writeFileSync(file, text)
    return server.launch()
  }

  await launch(config)
  return {
    async restart(text) {
      await server.halt()
      await launch(text)
    },
    async stop() {
      await server.halt()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** HAProxy's own config check (`haproxy -c`). */
export function checkHaproxyConfig(config: string): Promise<string> {
  return checkConfig({ command: HAPROXY, file: 'haproxy.cfg', text: () => config, args: (file) => ['-c', '-f', file] })
}
