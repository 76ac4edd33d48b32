import { type ChildProcess, spawn } from 'node:child_process'
import { connect } from 'node:net'
import { waitFor } from './wait.js'

export function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

export interface Foreground {
  /** Starts the server and waits until its port accepts connections; throws with its output if it exits. */
  launch(): Promise<void>
  /** Stops it and waits for it to exit; nothing to do when it is already gone. */
  halt(): Promise<void>
  /** What it has written to stdout and stderr since its latest launch. */
  output(): string
}

/**
 * A proxy server run in the foreground as a child process (nginx, HAProxy, Apache alike): what each harness
 * shares, so that each only writes its own config.
 */
export function foreground(options: {
  name: string
  command: string
  args: string[]
  listen: { host: string; port: number }
  /** More to show when it fails to start, such as its error log. */
  diagnostics?: () => string
  /** Extra environment, on top of this process's. */
  env?: Record<string, string>
  /** The directory to run it in; this process's own unless set. */
  cwd?: string
  /** How long it may take to listen (a framework's dev server builds first); 10 s unless set. */
  startTimeoutMs?: number
}): Foreground {
  let child: ChildProcess | undefined
  let output = ''
  return {
    output: () => output,
    async launch() {
      output = ''
      const proc = spawn(options.command, options.args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...options.env },
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      })
      child = proc
      proc.stdout?.on('data', (chunk) => (output += chunk))
      proc.stderr?.on('data', (chunk) => (output += chunk))
      const { host, port } = options.listen
      await waitFor(
        `${options.name} on ${host}:${port}`,
        async () => {
          if (proc.exitCode !== null || proc.signalCode !== null) {
            throw new Error(`${options.name} exited: ${output}\n${options.diagnostics?.() ?? ''}`)
          }
          return portOpen(host, port)
        },
        options.startTimeoutMs,
      )
    },
    async halt() {
      const proc = child
      child = undefined
      // Already gone (a signal counts: Ctrl+C reaches the child too), so no 'exit' is coming to wait for.
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
      const exited = new Promise((resolve) => proc.once('exit', resolve))
      proc.kill('SIGTERM')
      await exited
    },
  }
}
