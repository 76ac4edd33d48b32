// What `hmr-doctor check` costs a user: a healthy check on loopback, wall time from process start to exit,
// beside a bare node process that only dials the same socket with ws (what websocat would do, without
// knowing Vite's path, subprotocol or token) and beside node doing nothing.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { createProject, fixed, median, percentile, printHeader, printTable, startServer } from './support.js'

const RUNS = 15
const GOAL_MS = 300
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url))

/** Wall milliseconds of `node <args>`, which must exit with `expected` (async: Vite answers from this process). */
function wall(args: readonly string[], expected: number): Promise<number> {
  const started = performance.now()
  const child = spawn(process.execPath, args, {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk))
  return new Promise((resolve, reject) =>
    child.on('close', (code) => {
      const ms = performance.now() - started
      if (code === expected) resolve(ms)
      else reject(new Error(`node ${args.join(' ')} exited ${code}:\n${output}`))
    }),
  )
}

async function samples(args: readonly string[]): Promise<number[]> {
  const times: number[] = []
  for (let run = 0; run < RUNS; run += 1) times.push(await wall(args, 0))
  return times
}

function row(name: string, samples: readonly number[]): string[] {
  return [name, fixed(median(samples)), fixed(percentile(samples, 90)), fixed(Math.min(...samples))]
}

const project = createProject()
const { server, port } = await startServer(project.root, [])
try {
  const page = `http://127.0.0.1:${port}/`
  const token = (server.config as { webSocketToken?: string }).webSocketToken ?? ''
  const rawDial = `const W=require(${JSON.stringify(createRequire(import.meta.url).resolve('ws'))});const s=new W('ws://127.0.0.1:${port}/?token=${token}','vite-hmr',{origin:'${page.slice(0, -1)}'});s.once('message',()=>{s.close();process.exit(0)});s.once('error',()=>process.exit(1))`
  await wall([CLI, 'check', page], 0)
  const rows = [
    row('node -e "" (process start)', await samples(['-e', ''])),
    row('node + ws, dial the socket only', await samples(['-e', rawDial])),
    row('hmr-doctor check (healthy)', await samples([CLI, 'check', page])),
  ]
  printHeader('hmr-doctor check on loopback', [
    `${RUNS} runs each, wall time from spawn to exit, in ms; the goal for a healthy check is ≤ ${GOAL_MS} ms.`,
    "The check loads the page and Vite's client, then dials the socket: what the browser does, no more.",
  ])
  printTable(['', 'median', 'p90', 'min'], rows)
} finally {
  await server.close()
  project.remove()
}
