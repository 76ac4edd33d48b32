// Dev servers in child processes of their own (see serve.ts), for the benchmarks that compare servers.
import { fork } from 'node:child_process'
import { isAbsolute, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'

export interface ServerProcess {
  port: number
  /** How long createServer() and listen() took in that process. */
  startupMs: number
  /** The CPU time (user and system) the process has used so far, in µs. */
  cpuUs: () => Promise<number>
  /**
   * Alternating only: the median time a request took in each role (alone, control, with the plugin) since
   * the last call, in ns (see alternating.ts).
   */
  roleMediansNs: () => Promise<number[]>
  stop: () => Promise<void>
}

const packageRoot = fileURLToPath(new URL('..', import.meta.url))
const pluginEntry = new URL('../dist/index.js', import.meta.url).href
let compiled: Promise<string> | undefined

/**
 * serve.ts as plain JavaScript, built once per run. Under tsx every module Vite imports while serving goes
 * through tsx's loader thread, and Vite imports its HTML parser on every page: that tripled the cost of
 * Vite's HTML transform and added a third to a page's. Under node_modules, so `vite` resolves as for a user.
 */
function serveEntry(): Promise<string> {
  compiled ??= (async () => {
    const outDir = join(packageRoot, 'node_modules/.cache/hmr-doctor-bench')
    await build({
      configFile: false,
      logLevel: 'warn',
      root: packageRoot,
      build: {
        ssr: fileURLToPath(new URL('./serve.ts', import.meta.url)),
        outDir,
        emptyOutDir: true,
        minify: false,
        rollupOptions: { external: (id) => !id.startsWith('.') && !isAbsolute(id) },
      },
    })
    return join(outDir, 'serve.js')
  })()
  return compiled
}

/** A dev server in a child process of its own (see serve.ts), serving `root`. */
export async function serverProcess(root: string, variant: 'with' | 'without' | 'alternating'): Promise<ServerProcess> {
  // No execArgv: a child inherits its parent's, and with them tsx's loader.
  const child = fork(await serveEntry(), [root, variant, pluginEntry], { execArgv: [], stdio: 'inherit' })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    child.kill()
    await exited
  }
  const ask = <T>(question: string, answer: (message: never) => T) =>
    new Promise<T>((resolve) => {
      child.once('message', (message) => resolve(answer(message as never)))
      child.send(question)
    })
  const cpuUs = () => ask('cpu', (message: { cpuUs: number }) => message.cpuUs)
  const roleMediansNs = () => ask('roles', (message: { medianNs: number[] }) => message.medianNs)
  return new Promise((resolve, reject) => {
    child.once('message', (message) =>
      resolve({ ...(message as { port: number; startupMs: number }), cpuUs, roleMediansNs, stop }),
    )
    child.once('error', reject)
    void exited.then(() => reject(new Error(`the ${variant} server exited before it listened`)))
  })
}
