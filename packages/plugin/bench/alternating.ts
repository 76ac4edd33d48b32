// One dev server with the plugin that serves each request either as Vite alone or with everything the plugin
// put on the request path, in turn, and times how long Vite spends on each. Two servers, even two identical
// ones, differ by several per cent (layout, the JIT's choices), a hundred times what the plugin adds to a
// module request; requests served in turn by one process share all of that, and what is left between them
// is the plugin's share.
import dc from 'node:diagnostics_channel'
import { EventEmitter } from 'node:events'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Plugin, ViteDevServer } from 'vite'

type Layer = object
type Handle = ViteDevServer['middlewares']['handle']
interface ConnectApp {
  stack: Layer[]
  handle: Handle
  (req: IncomingMessage, res: ServerResponse): void
}

/** What the plugin put on the request path: Vite's app's entry as it was before, and the layers it added. */
export interface PluginPath {
  viteHandle: Handle | undefined
  layers: Set<Layer>
}

/**
 * The plugin, with its configureServer hook watched: the layers it puts on Vite's middleware stack (before
 * and after Vite's own), and the app's entry as Vite made it, in case the plugin wraps it.
 */
export function recordPath(plugin: Plugin): { plugin: Plugin; path: PluginPath } {
  const path: PluginPath = { viteHandle: undefined, layers: new Set() }
  const hook = plugin.configureServer
  if (!hook) return { plugin, path }
  const handler = typeof hook === 'function' ? hook : hook.handler
  const adding = <T>(server: ViteDevServer, run: () => T): T => {
    const app = server.middlewares as unknown as ConnectApp
    const before = new Set<Layer>(app.stack)
    const result = run()
    for (const layer of app.stack) if (!before.has(layer)) path.layers.add(layer)
    return result
  }
  const recorded: typeof handler = async function (this: unknown, server) {
    path.viteHandle = server.middlewares.handle
    const post = await adding(server, () => handler.call(this as never, server))
    return typeof post === 'function' ? () => adding(server, post) : post
  }
  return {
    plugin: { ...plugin, configureServer: typeof hook === 'function' ? recorded : { ...hook, handler: recorded } },
    path,
  }
}

/** The roles a request is served in: Vite alone, Vite alone again (the A/A control), with the plugin. */
export const ALONE = 0
export const CONTROL = 1
export const WITH = 2

/**
 * Each run of three requests serves one in each role, in an order that goes through all six in turn, so
 * no role always follows the same other one (a request leaves caches to the next).
 */
const ORDERS = [
  [ALONE, CONTROL, WITH],
  [CONTROL, WITH, ALONE],
  [WITH, ALONE, CONTROL],
  [ALONE, WITH, CONTROL],
  [WITH, CONTROL, ALONE],
  [CONTROL, ALONE, WITH],
] as const

const ROLE = Symbol('role')
const START = Symbol('start')
type Timed = IncomingMessage & { [ROLE]?: number; [START]?: bigint }

/**
 * Takes over `server`'s request dispatch. A request served alone goes through Node's `request` event to
 * Vite's app only, into Vite's own entry, over Vite's middleware stack without the plugin's layers; one served
 * with the plugin goes through the same event with every listener the server had, into the app's entry as
 * the plugin left it, over the whole stack. The time is Node's own, from the request's start to its
 * response's finish (diagnostics channels both sides see). Returns what reads, and starts again, each
 * role's durations in ns.
 */
export function alternate(server: ViteDevServer, path: PluginPath): () => number[][] {
  const httpServer = server.httpServer
  const app = server.middlewares as unknown as ConnectApp
  if (!httpServer) throw new Error('the alternating server needs an HTTP server')
  const listeners = httpServer.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>
  if (!listeners.includes(app)) throw new Error("Vite's app is not a request listener")
  const viteHandle = path.viteHandle ?? app.handle
  const pluginHandle = app.handle
  if (listeners.length < 2 && path.layers.size === 0 && pluginHandle === viteHandle) {
    throw new Error('the plugin is not on the request path')
  }
  const alone = new EventEmitter().on('request', app)
  const observed = new EventEmitter()
  for (const listener of listeners) observed.on('request', listener)
  const whole = app.stack
  const bare = whole.filter((layer) => !path.layers.has(layer))
  let served = 0
  httpServer.removeAllListeners('request')
  httpServer.on('request', (req: Timed, res: ServerResponse) => {
    const role = ORDERS[Math.floor(served / 3) % ORDERS.length]?.[served % 3] ?? ALONE
    served++
    req[ROLE] = role
    // connect reads both when a request enters it.
    app.handle = role === WITH ? pluginHandle : viteHandle
    app.stack = role === WITH ? whole : bare
    ;(role === WITH ? observed : alone).emit('request', req, res)
  })
  let durations: number[][] = [[], [], []]
  dc.subscribe('http.server.request.start', (message) => {
    ;(message as { request: Timed }).request[START] = process.hrtime.bigint()
  })
  dc.subscribe('http.server.response.finish', (message) => {
    const req = (message as { request: Timed }).request
    if (req[ROLE] === undefined || req[START] === undefined) return
    durations[req[ROLE]]?.push(Number(process.hrtime.bigint() - req[START]))
  })
  return () => {
    const taken = durations
    durations = [[], [], []]
    return taken
  }
}
