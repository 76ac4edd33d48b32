// One dev server in a process of its own, for the request benchmarks: servers sharing a process share the
// JIT's state and the garbage collector, and then differ for reasons that are not theirs. Tells its parent
// the port and how long the server took to start over IPC, then serves until killed, telling whenever asked
// the CPU time it has used (the server's own work per request, apart from the client's and the scheduler's)
// or, alternating (see alternating.ts), the median time it took in each role since it was last asked.
// Runs compiled (see server-process.ts), and takes the plugin's built entry from its parent.
import { ALONE, alternate, CONTROL, recordPath, WITH } from './alternating.js'
import { median, startServer } from './support.js'

const [root, variant, pluginEntry] = process.argv.slice(2)
if (!root || (variant !== 'with' && variant !== 'without' && variant !== 'alternating') || !pluginEntry) {
  throw new Error('usage: serve.js <root> with|without|alternating <plugin entry URL>')
}
const started = performance.now()
const hmrDoctor =
  variant === 'without' ? null : ((await import(pluginEntry)) as typeof import('../dist/index.js')).default
const recorded = variant === 'alternating' && hmrDoctor ? recordPath(hmrDoctor()) : null
const plugins = recorded ? [recorded.plugin] : hmrDoctor ? [hmrDoctor()] : []
const { port, server } = await startServer(root, plugins)
const take = recorded ? alternate(server, recorded.path) : null
process.send?.({ port, startupMs: performance.now() - started })
process.on('message', (message) => {
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage()
    process.send?.({ cpuUs: user + system })
  } else if (message === 'roles' && take) {
    const durations = take()
    process.send?.({ medianNs: [ALONE, CONTROL, WITH].map((role) => median(durations[role] ?? [])) })
  }
})
