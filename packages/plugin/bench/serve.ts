// One dev server in a process of its own, for the request benchmark: servers sharing a process share the
// JIT's state and the garbage collector, and then differ for reasons that are not theirs. Tells its parent
// the port and how long the server took to start over IPC, then serves until killed, telling the CPU time
// it has used whenever asked: the server's own work per request, apart from the client's and the scheduler's.
// Runs compiled (see server-process.ts), and takes the plugin's built entry from its parent.
import { startServer } from './support.js'

const [root, variant, pluginEntry] = process.argv.slice(2)
if (!root || (variant !== 'with' && variant !== 'without') || !pluginEntry) {
  throw new Error('usage: serve.js <root> with|without <plugin entry URL>')
}
const started = performance.now()
const plugins = variant === 'with' ? [((await import(pluginEntry)) as typeof import('../dist/index.js')).default()] : []
const { port } = await startServer(root, plugins)
process.send?.({ port, startupMs: performance.now() - started })
process.on('message', (message) => {
  if (message !== 'cpu') return
  const { user, system } = process.cpuUsage()
  process.send?.({ cpuUs: user + system })
})
