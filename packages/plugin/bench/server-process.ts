// Dev servers in child processes of their own (see serve.ts), for the benchmarks that compare servers.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface ServerProcess {
  port: number
  /** How long createServer() and listen() took in that process. */
  startupMs: number
  /** The CPU time (user and system) the process has used so far, in µs. */
  cpuUs: () => Promise<number>
  stop: () => Promise<void>
}

/** A dev server in a child process of its own (see serve.ts), serving `root`. */
export function serverProcess(root: string, variant: 'with' | 'without'): Promise<ServerProcess> {
  const child = fork(fileURLToPath(new URL('./serve.ts', import.meta.url)), [root, variant], {
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    child.kill()
    await exited
  }
  const cpuUs = () =>
    new Promise<number>((resolve) => {
      child.once('message', (message) => resolve((message as { cpuUs: number }).cpuUs))
      child.send('cpu')
    })
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve({ ...(message as { port: number; startupMs: number }), cpuUs, stop }))
    child.once('error', reject)
    void exited.then(() => reject(new Error(`the ${variant} server exited before it listened`)))
  })
}
