// Keeps every CPU busy while a test run goes on, so timings that hold only on an idle machine fail here.
import { spawn } from 'node:child_process'
import { availableParallelism } from 'node:os'

/** How long one busy loop spins at most: longer than a loaded end-to-end pass, so it never ends early. */
export const BUSY_LIMIT_MS = 30 * 60_000

// One child process: spin until the limit, or until the run that started it is gone (it then belongs to
// init, so its parent id changes), whichever comes first. Bounded either way, even if nobody kills it.
const LOOP = `
const parent = process.ppid
const end = Date.now() + Number(process.argv[1])
let spins = 0
while (Date.now() < end) {
  spins += 1
  if (spins % 1e6 === 0 && process.ppid !== parent) break
}
`

/**
 * Starts one bounded busy loop per CPU (two on the CI machine) and returns a function that stops them.
 * They are also stopped when this process exits, whichever way it does.
 */
export function startBusyLoops(count = availableParallelism(), limitMs = BUSY_LIMIT_MS) {
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ['-e', LOOP, String(limitMs)], { stdio: 'ignore' }),
  )
  const stop = () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  process.once('exit', stop)
  return () => {
    process.off('exit', stop)
    stop()
  }
}
