import type { Duplex } from 'node:stream'
import { describe, expect, test } from 'vitest'
import { timing } from '../../packages/plugin/src/shared/timing.js'
import {
  BROWSER_MODES,
  caddyfile,
  checkApacheConfig,
  checkHaproxyConfig,
  configWithPrintedFix,
  dialHmr,
  expectHmrApplies,
  expectSilence,
  freePort,
  haproxyConfig,
  openPage,
  PROXY_HOST,
  printedBlock,
  printedBlocks,
  type RunningVite,
  removeLines,
  replaceLine,
  runCli,
  startApache,
  startCaddy,
  startHaproxy,
  validateCaddy,
} from '../harness/index.js'
import { LOOP_SUMMARY, useScenario } from '../harness/scenario.js'

/**
 * Each cause × each proxy whose lines the doctor prints, in the layouts people write: every broken config is
 * diagnosed as that proxy, its printed lines pasted verbatim where the message says, the proxy's own check
 * passes, and the socket then opens. The whole space runs with a Node dialler (as Vite's client dials); a
 * sample runs in Chromium, both browser modes, down to HMR applying an edit. nginx's space is
 * directive-space.test.ts.
 */

type Proxy = 'apache' | 'caddy' | 'haproxy'
type Base = '/' | '/app/'

const scenario = useScenario()

interface Running {
  origin: string
  restart(part: string): Promise<void>
  /** The proxy's own config check of the config `part` makes here. */
  check(part: string): Promise<string>
}

/** HAProxy's timeouts, with no `timeout tunnel`: the socket lives by these, long enough for any test. */
const HAPROXY_DEFAULTS = 'timeout connect 5s\ntimeout client 30s\ntimeout server 30s'

/**
 * A proxy on a free port of PROXY_HOST, from the part of its config a case varies: `build` makes the whole
 * config (for `listen`) that `start` runs and `check` checks.
 */
function runner<Config>(
  build: (listen: string, part: string, upstream: string) => Config,
  start: (
    config: Config,
    listen: { host: string; port: number },
  ) => Promise<{ restart(config: Config): Promise<void>; stop(): Promise<unknown> }>,
  check: (config: Config) => Promise<string>,
) {
  return async (part: string, upstream: string, at?: number): Promise<Running> => {
    const port = at ?? (await freePort(PROXY_HOST))
    const config = (next: string) => build(`${PROXY_HOST}:${port}`, next, upstream)
    const proxy = await start(config(part), { host: PROXY_HOST, port })
    scenario.defer(() => proxy.stop())
    return {
      origin: `http://${PROXY_HOST}:${port}`,
      restart: (next) => proxy.restart(config(next)),
      check: (next) => check(config(next)),
    }
  }
}

/** How each proxy starts from the part of its config a case varies, and what its check says when it passes. */
const PROXIES: Record<
  Proxy,
  { valid: RegExp; start(part: string, upstream: string, port?: number): Promise<Running> }
> = {
  apache: {
    valid: /Syntax OK/,
    start: runner((listen, virtualHost) => ({ listen, virtualHost }), startApache, checkApacheConfig),
  },
  caddy: {
    valid: /Valid configuration/,
    start: runner(caddyfile, startCaddy, validateCaddy),
  },
  haproxy: {
    valid: /Configuration file is valid/,
    start: runner(
      (listen, part, upstream) => {
        // The part's own sections (backends for its use_backend lines) follow the frontend.
        const [frontend, ...sections] = part.split(/\n(?=backend )/)
        return haproxyConfig({ listen, upstream, defaults: HAPROXY_DEFAULTS, frontend, sections: sections.join('\n') })
      },
      startHaproxy,
      checkHaproxyConfig,
    ),
  },
}

const APACHE_VH = (base: Base) => `Apache, in the <VirtualHost> that proxies Vite, replacing its ProxyPass for ${base}`
const APACHE_LOCATION = (base: Base) =>
  `Apache, or where that ProxyPass is inside <Location ${base}>, replacing it there (no path inside <Location>)`
const APACHE_REWRITE = 'Apache, replacing the RewriteRule … ws://… [P,L] that proxies the socket (keep its RewriteCond)'
const CADDY_REMOVE = 'Caddy, removing these lines from the reverse_proxy that proxies Vite'
const CADDY_HANDLE = 'Caddy, replacing the handle_path /app/* line of the block that proxies Vite'
const HAPROXY_REMOVE = 'HAProxy, removing these rules from the frontend or backend that proxies Vite'
const HAPROXY_STRIP =
  'HAProxy, removing this rule (or the set-path or replace-path that strips /app/, however written) from the frontend or backend that proxies Vite'
/** The prefix strip as HAProxy's manual writes it. */
const HAPROXY_STRIP_RULE = 'http-request replace-path /app/(.*) /\\1'

interface Broken {
  name: string
  proxy: Proxy
  base: Base
  broken(upstream: string): string
  summary: string
  /** The printed lines pasted as their "where" says. */
  apply(config: string, output: string): string
  /** A path whose answer the broken rule changes for every request but Vite's socket: it still must. */
  stillRewritten?: string
}

const UPGRADE_DROPPED = {
  apache: '[hmr-doctor] Apache drops the WebSocket upgrade',
  caddy: '[hmr-doctor] Caddy drops the WebSocket upgrade',
  haproxy: '[hmr-doctor] HAProxy drops the WebSocket upgrade',
}

/** The catalogue's socket recipe: a RewriteRule [P] to ws:// beside the ProxyPass inside one <Location>. */
const catalogue = (location: string, proxyPass: string) => (upstream: string) =>
  `<Location ${location}>
    RewriteEngine On
    RewriteCond %{HTTP:Upgrade} =websocket [NC]
    RewriteRule /(.*) ws://${upstream}/$1 [P,L]
    ProxyPass ${proxyPass.replace('U', upstream)}
    ProxyPassReverse ${proxyPass.replace('U', upstream)}
</Location>`

/** Where the lines that keep Vite's socket out of a rewrite go, as each proxy's message says. */
const CADDY_SKIP = (part: 'query' | 'path') =>
  `Caddy, in the site block that proxies Vite, above the rewrite (or uri) that changes the socket's ${part}`
const HAPROXY_SKIP = (part: 'query' | 'path') =>
  `HAProxy, appended to the http-request rule that rewrites the socket's ${part === 'query' ? 'query (set-uri, set-query)' : 'path (set-path, replace-path, set-uri)'}, where it has no condition`
const HAPROXY_SKIP_IF = 'HAProxy, or where that rule ends in an if condition, appended to it'

/** Inserts `printed` above the one line matching `line`, at its indent. */
function insertAbove(config: string, line: RegExp, printed: string): string {
  const [found] = config.split('\n').filter((text) => line.test(text))
  if (found === undefined) throw new Error(`expected a line matching ${line} in:\n${config}`)
  return replaceLine(config, line, `${printed}\n${found.trim()}`)
}

/** Appends `text` to the one line matching `line`. */
const appendTo = (config: string, line: RegExp, text: string) =>
  replaceLine(
    config,
    line,
    `${config
      .split('\n')
      .find((found) => line.test(found))
      ?.trim()} ${text}`,
  )

/** A page request each rewrite changes: its query dropped, or / sent as /index.html. */
const STILL_REWRITTEN = { query: '/index.html?probe', path: '/?probe' }

const REWRITE_SUMMARY = (name: string, part: 'query' | 'path') =>
  part === 'query'
    ? `[hmr-doctor] ${name} drops the query string`
    : `[hmr-doctor] ${name} rewrites the HMR socket's path`

const APACHE_SKIP = (part: 'query' | 'path') =>
  `Apache, just above the RewriteRule that ${part === 'query' ? 'drops the query (its target ends in ?, or it has QSD)' : "rewrites the socket's path"} and above its RewriteCond lines, in the same <VirtualHost> or <Location>`

/** Inserts `printed` above the config's one RewriteRule and the RewriteCond lines it takes, at its indent. */
function aboveRewriteRule(config: string, printed: string): string {
  const lines = config.split('\n')
  let at = lines.findIndex((line) => /^\s*RewriteRule /.test(line))
  while (at > 0 && /^\s*RewriteCond /.test(lines[at - 1] ?? '')) at -= 1
  const indent = /^\s*/.exec(lines[at] ?? '')?.[0] ?? ''
  lines.splice(at, 0, ...printed.split('\n').map((line) => indent + line))
  return lines.join('\n')
}

const APACHE_SITE = (u: string) => `ProxyPass / http://${u}/ upgrade=websocket\nProxyPassReverse / http://${u}/`

const SKIPPED_REWRITES: Broken[] = [
  ...[
    {
      label: 'a RewriteRule [P] whose target ends in ?',
      rules: (u: string) => `RewriteRule ^/(.*)$ http://${u}/$1? [P,L]`,
      part: 'query' as const,
    },
    {
      label: 'a RewriteRule [P,QSD]',
      rules: (u: string) => `RewriteRule ^/(.*)$ http://${u}/$1 [P,QSD,L]`,
      part: 'query' as const,
    },
    {
      label: "the socket's RewriteRule [P] to ws:// whose target ends in ?, after its RewriteCond",
      rules: (u: string) => `RewriteCond %{HTTP:Upgrade} =websocket [NC]\nRewriteRule ^/(.*)$ ws://${u}/$1? [P,L]`,
      part: 'query' as const,
      socketOnly: true,
    },
    {
      label: 'a RewriteRule [PT] sending / to /index.html',
      rules: () => 'RewriteRule ^/$ /index.html [PT]',
      part: 'path' as const,
    },
  ].map(
    ({ label, rules, part, socketOnly }): Broken => ({
      name: `Apache, ${label}, at VirtualHost level`,
      proxy: 'apache',
      base: '/',
      broken: (u) => `RewriteEngine On\n${rules(u)}\n${APACHE_SITE(u)}`,
      ...(!socketOnly && { stillRewritten: STILL_REWRITTEN[part] }),
      summary: REWRITE_SUMMARY('Apache', part),
      apply: (config, output) => aboveRewriteRule(config, printedBlock(output, APACHE_SKIP(part))),
    }),
  ),
  {
    name: "Apache, the socket's RewriteRule [P,QSD] beside ProxyPass inside <Location />",
    proxy: 'apache',
    base: '/',
    broken: (u) =>
      catalogue('/', 'http://U/')(u).replace(/RewriteRule .*/, `RewriteRule ^ ws://${u}%{REQUEST_URI} [P,L,QSD]`),
    summary: REWRITE_SUMMARY('Apache', 'query'),
    apply: (config, output) => aboveRewriteRule(config, printedBlock(output, APACHE_SKIP('query'))),
  },
  ...[
    // The query dropped from every request: a target ending in ? has none.
    {
      rewrite: 'rewrite * {path}?',
      part: 'query' as const,
      edit: (line: string) => line.replace('*', '@not_vite_hmr'),
    },
    // The root served as /index.html by a uri with no matcher: the printed one is given to it.
    {
      rewrite: 'uri path_regexp ^/$ /index.html',
      part: 'path' as const,
      edit: (line: string) => line.replace('uri ', 'uri @not_vite_hmr '),
    },
    // The same by a rewrite with a path matcher, moved into the printed matcher.
    {
      rewrite: 'rewrite / /index.html',
      part: 'path' as const,
      edit: (line: string) => line.replace(' / ', ' @not_vite_hmr '),
      matcherLine: 'path /',
    },
  ].map(
    ({ rewrite, part, edit, matcherLine }): Broken => ({
      name: `Caddy, ${rewrite} before reverse_proxy`,
      proxy: 'caddy',
      base: '/',
      broken: (u) => `${rewrite}\nreverse_proxy ${u}`,
      stillRewritten: STILL_REWRITTEN[part],
      summary: REWRITE_SUMMARY('Caddy', part),
      apply: (config, output) => {
        const matcher = printedBlock(output, CADDY_SKIP(part))
        const withLine = matcherLine ? matcher.replace(/\n\}$/, `\n    ${matcherLine}\n}`) : matcher
        return insertAbove(config, /^\s*(rewrite|uri) /, withLine).replace(rewrite, edit(rewrite))
      },
    }),
  ),
  {
    name: 'Caddy, rewrite with a named matcher of its own (@root { path / })',
    proxy: 'caddy',
    base: '/',
    broken: (u) => `@root {\n    path /\n}\nrewrite @root /index.html\nreverse_proxy ${u}`,
    stillRewritten: STILL_REWRITTEN.path,
    summary: REWRITE_SUMMARY('Caddy', 'path'),
    apply: (config, output) => {
      // The printed matcher's lines, moved into the rewrite's own matcher.
      const lines = printedBlock(output, CADDY_SKIP('path')).split('\n').slice(1, -1)
      return replaceLine(config, /^\s*path \/$/, ['path /', ...lines.map((line) => line.trim())].join('\n'))
    },
  },
  ...[
    { rule: 'http-request set-uri %[path]', part: 'query' as const },
    { rule: 'http-request replace-path ^/$ /index.html', part: 'path' as const },
    { rule: 'http-request set-path /index.html if { path / }', part: 'path' as const, condition: 'if' },
    { rule: 'http-request set-uri %[path] unless { path_beg /src/ }', part: 'query' as const, condition: 'unless' },
  ].map(
    ({ rule, part, condition }): Broken => ({
      name: `HAProxy, ${rule}`,
      proxy: 'haproxy',
      base: '/',
      broken: () => rule,
      stillRewritten: STILL_REWRITTEN[part],
      summary: REWRITE_SUMMARY('HAProxy', part),
      apply: (config, output) => {
        const unless = printedBlock(output, HAPROXY_SKIP(part))
        const appended =
          condition === 'if'
            ? printedBlock(output, HAPROXY_SKIP_IF)
            : condition === 'unless'
              ? // The note's own words: "append || { … } to it instead".
                `|| ${unless.replace(/^unless /, '')}`
              : unless
        if (condition === 'unless') expect(output).toContain(`append ${appended} to it instead`)
        return appendTo(config, /^\s*http-request /, appended)
      },
    }),
  ),
]

const BROKEN: Broken[] = [
  ...(['/', '/app/'] as const).flatMap((base): Broken[] => [
    {
      name: `Apache, ProxyPass at VirtualHost level without upgrade=websocket, base ${base}`,
      proxy: 'apache',
      base,
      broken: (u) => `ProxyPass ${base} http://${u}${base}\nProxyPassReverse ${base} http://${u}${base}`,
      summary: UPGRADE_DROPPED.apache,
      apply: (config, output) => replaceLine(config, /^\s*ProxyPass \//, printedBlock(output, APACHE_VH(base))),
    },
    {
      name: `Apache, path-less ProxyPass inside <Location ${base}> without upgrade=websocket`,
      proxy: 'apache',
      base,
      broken: (u) =>
        `<Location ${base}>\n    ProxyPass http://${u}${base}\n    ProxyPassReverse http://${u}${base}\n</Location>`,
      summary: UPGRADE_DROPPED.apache,
      apply: (config, output) => replaceLine(config, /^\s*ProxyPass http/, printedBlock(output, APACHE_LOCATION(base))),
    },
  ]),
  {
    name: 'Apache, ProxyPass at VirtualHost level that strips /app/',
    proxy: 'apache',
    base: '/app/',
    broken: (u) => `ProxyPass /app/ http://${u}/ upgrade=websocket`,
    summary: '[hmr-doctor] Apache strips the path prefix',
    apply: (config, output) => replaceLine(config, /^\s*ProxyPass \//, printedBlock(output, APACHE_VH('/app/'))),
  },
  {
    name: 'Apache, path-less ProxyPass inside <Location /app/> that strips /app/',
    proxy: 'apache',
    base: '/app/',
    broken: (u) => `<Location /app/>\n    ProxyPass http://${u}/ upgrade=websocket\n</Location>`,
    summary: '[hmr-doctor] Apache strips the path prefix',
    apply: (config, output) =>
      replaceLine(config, /^\s*ProxyPass http/, printedBlock(output, APACHE_LOCATION('/app/'))),
  },
  ...[
    { location: '~ ".*"', proxyPass: 'http://U', label: 'a regex <Location> (the catalogue’s own)' },
    { location: '/', proxyPass: 'http://U/', label: '<Location />' },
  ].map(
    ({ location, proxyPass, label }): Broken => ({
      name: `Apache, RewriteRule [P] to ws:// beside ProxyPass in ${label}`,
      proxy: 'apache',
      base: '/',
      broken: catalogue(location, proxyPass),
      summary: "[hmr-doctor] Apache's RewriteRule … [P] for the socket sits inside a <Location> with a ProxyPass",
      apply: (config, output) => replaceLine(config, /^\s*RewriteRule /, printedBlock(output, APACHE_REWRITE)),
    }),
  ),
  ...[
    { header: 'Upgrade', base: '/' as const },
    { header: 'Upgrade', base: '/app/' as const },
    { header: 'Connection', base: '/' as const },
  ].map(
    ({ header, base }): Broken => ({
      name: `Caddy, reverse_proxy with header_up -${header}${base === '/' ? '' : ' inside handle /app/*'}, base ${base}`,
      proxy: 'caddy',
      base,
      broken: (u) => {
        const proxy = `reverse_proxy ${u} {\n    header_up -${header}\n}`
        return base === '/' ? proxy : `handle /app/* {\n${proxy.replace(/^/gm, '    ')}\n}`
      },
      summary: UPGRADE_DROPPED.caddy,
      apply: (config, output) => removeLines(config, printedBlock(output, CADDY_REMOVE)),
    }),
  ),
  {
    name: 'Caddy, handle_path /app/* (strips the prefix), base /app/',
    proxy: 'caddy',
    base: '/app/',
    broken: (u) => `handle_path /app/* {\n    reverse_proxy ${u}\n}`,
    summary: '[hmr-doctor] Caddy strips the path prefix',
    apply: (config, output) => replaceLine(config, /^\s*handle_path /, printedBlock(output, CADDY_HANDLE)),
  },
  {
    name: 'HAProxy, http-request replace-path that strips /app/, base /app/',
    proxy: 'haproxy',
    base: '/app/',
    broken: () => HAPROXY_STRIP_RULE,
    summary: '[hmr-doctor] HAProxy strips the path prefix',
    apply: (config, output) => removeLines(config, printedBlock(output, HAPROXY_STRIP)),
  },
  ...['Upgrade', 'Connection'].map(
    (header): Broken => ({
      name: `HAProxy, http-request del-header ${header}`,
      proxy: 'haproxy',
      base: '/',
      broken: () => `http-request del-header ${header}`,
      summary: UPGRADE_DROPPED.haproxy,
      apply: (config, output) => removeLines(config, printedBlock(output, HAPROXY_REMOVE)),
    }),
  ),
  ...SKIPPED_REWRITES,
]

interface Healthy {
  name: string
  proxy: Proxy
  base: Base
  config(upstream: string): string
}

const HEALTHY: Healthy[] = [
  {
    name: 'Apache, ProxyPass with upgrade=websocket at VirtualHost level',
    proxy: 'apache',
    base: '/',
    config: (u) => `ProxyPass / http://${u}/ upgrade=websocket\nProxyPassReverse / http://${u}/`,
  },
  {
    name: 'Apache, path-less ProxyPass with upgrade=websocket inside <Location /app/>',
    proxy: 'apache',
    base: '/app/',
    config: (u) => `<Location /app/>\n    ProxyPass http://${u}/app/ upgrade=websocket\n</Location>`,
  },
  {
    name: 'Apache, RewriteRule [P] with %{REQUEST_URI} beside ProxyPass in a regex <Location>',
    proxy: 'apache',
    base: '/',
    config: (u) =>
      catalogue('~ ".*"', 'http://U')(u).replace(/RewriteRule .*/, `RewriteRule ^ ws://${u}%{REQUEST_URI} [P,L]`),
  },
  {
    name: 'Caddy, handle /app/* (keeps the prefix), base /app/',
    proxy: 'caddy',
    base: '/app/',
    config: (u) => `handle /app/* {\n    reverse_proxy ${u}\n}`,
  },
  {
    name: 'HAProxy, option http-server-close',
    proxy: 'haproxy',
    base: '/',
    config: () => 'option http-server-close',
  },
  // Rewrites that drop the query for everything but Vite's socket, as the printed lines leave them.
  {
    name: 'Caddy, rewrite {path}? for everything but Vite’s socket',
    proxy: 'caddy',
    base: '/',
    config: (u) =>
      `@not_vite_hmr {\n    not header Sec-WebSocket-Protocol vite-hmr\n    not header Sec-WebSocket-Protocol vite-ping\n}\nrewrite @not_vite_hmr {path}?\nreverse_proxy ${u}`,
  },
  {
    name: 'HAProxy, set-uri %[path] for everything but Vite’s socket',
    proxy: 'haproxy',
    base: '/',
    config: () => 'http-request set-uri %[path] unless { req.hdr(sec-websocket-protocol) -m str vite-hmr vite-ping }',
  },
  {
    name: 'Apache, a RewriteRule [P] dropping the query, after a rule of Vite’s socket’s own',
    proxy: 'apache',
    base: '/',
    config: (u) =>
      `RewriteEngine On\nRewriteCond %{HTTP:Sec-WebSocket-Protocol} ^(vite-hmr|vite-ping)$\nRewriteRule ^ ws://${u}%{REQUEST_URI} [P,L]\nRewriteRule ^/(.*)$ http://${u}/$1? [P,L]\n${APACHE_SITE(u)}`,
  },
]

function tokenOf(vite: RunningVite): string {
  const token = (vite.server.config as { webSocketToken?: string }).webSocketToken
  if (!token) throw new Error('this Vite issues no token')
  return token
}

async function setUp(
  proxy: Proxy,
  base: Base,
  part: (upstream: string) => string,
  doctor: Parameters<typeof scenario.vite>[0] = {},
) {
  const vite = await scenario.vite({ ...doctor, config: { base } })
  const upstream = `${vite.host}:${vite.port}`
  const config = part(upstream)
  const running = await PROXIES[proxy].start(config, upstream)
  // A handshake Vite never answers holds a proxy worker until the proxy's own timeout (Apache's: 60 s), and
  // stopping the proxy waits for it. Hanging up on Vite's side ends it as that timeout would, only sooner.
  const upgrades = new Set<Duplex>()
  vite.server.httpServer?.on('upgrade', (_request, socket: Duplex) => upgrades.add(socket))
  const hangUp = () => {
    for (const socket of upgrades) socket.destroy()
  }
  scenario.defer(async () => hangUp())
  return { vite, config, running, hangUp, url: `${running.origin}${base}`, direct: `http://${upstream}${base}` }
}

describe('broken configs, dialled as Vite’s client dials', () => {
  test.each(BROKEN.map((broken) => [broken.name, broken] as const))(
    '%s: diagnosed as that proxy, fixed by the printed lines',
    async (_, broken) => {
      const { vite, config, running, hangUp, url, direct } = await setUp(broken.proxy, broken.base, broken.broken)
      const { valid } = PROXIES[broken.proxy]
      const origin = running.origin
      const token = tokenOf(vite)
      expect(await running.check(config)).toMatch(valid)

      // A handshake Vite never answers is left hanging by the proxy: a short wait says enough.
      const first = await dialHmr(url, { origin, token, timeoutMs: 1000 })
      expect(first.opened).toBe(false)
      // Vite's client retries straight at Vite; a browser on this machine gets through.
      await dialHmr(direct, { origin, token })
      const output = await scenario.diagnosis(vite, broken.summary)
      expect(output).not.toMatch(/nginx/)

      // The URL Vite got for the probe: what the broken rule made of it.
      const arrived: string[] = []
      // Before Vite's own listener, which rewrites req.url as it serves it.
      vite.server.httpServer?.prependListener('request', (request: { url?: string }) => arrived.push(request.url ?? ''))
      const answer = async (from: string) => {
        if (broken.stillRewritten === undefined) return null
        await (await fetch(`${from}${broken.stillRewritten}`)).arrayBuffer()
        return arrived.at(-1)
      }
      const rewritten = await answer(origin)
      if (rewritten !== null) expect(rewritten).not.toBe(await answer(new URL(direct).origin))
      const fixed = broken.apply(config, output)
      expect(await running.check(fixed)).toMatch(valid)
      hangUp()
      await running.restart(fixed)
      expect(await dialHmr(url, { origin, token })).toEqual({
        opened: true,
        status: 101,
        firstMessage: '{"type":"connected"}',
      })
      // Vite's client pings the socket's URL after a restart, without its token, to know when to reload.
      expect(await dialHmr(url, { origin, token: '', protocol: 'vite-ping' })).toMatchObject({ status: 101 })
      expect(await answer(origin)).toBe(rewritten)
    },
  )
})

describe('healthy configs, dialled as Vite’s client dials', () => {
  test.each(HEALTHY.map((healthy) => [healthy.name, healthy] as const))(
    '%s: the socket opens, nothing printed',
    async (_, healthy) => {
      const { vite, config, running, url } = await setUp(healthy.proxy, healthy.base, healthy.config)
      expect(await running.check(config)).toMatch(PROXIES[healthy.proxy].valid)
      const opened = await dialHmr(url, { origin: running.origin, token: tokenOf(vite) })
      expect(opened).toEqual({ opened: true, status: 101, firstMessage: '{"type":"connected"}' })
      // Nothing is pending after a socket that opened; a finding would settle within this window.
      await new Promise((resolve) => setTimeout(resolve, timing.fallbackSettleMs))
      expect(vite.logger.text()).not.toContain('[hmr-doctor]')
    },
  )
})

/**
 * A sample in Chromium: the catalogue's Apache, Caddy's header_up, HAProxy's del-header, and each proxy's
 * rewrite of the query and of the socket's path; two healthy layouts.
 */
const SAMPLE = [
  'regex <Location>',
  'header_up -Upgrade, base /',
  'del-header Upgrade',
  'rewrite * {path}?',
  'rewrite / /index.html',
  'set-uri %[path] unless',
  'set-path /index.html if',
  'RewriteRule [P] whose target ends in ?, at',
  'RewriteRule [PT] sending /',
]
const HEALTHY_SAMPLE = ['inside <Location /app/>', 'handle /app/* (keeps the prefix)', 'set-uri %[path] for everything']

describe.each(BROWSER_MODES)('in Chromium, %s browser', (mode) => {
  test.each(
    BROKEN.filter((broken) => SAMPLE.some((part) => broken.name.includes(part))).map(
      (broken) => [broken.name, broken] as const,
    ),
  )('%s: diagnosed, fixed verbatim, HMR applies', async (_, broken) => {
    const { vite, config, running, hangUp, url } = await setUp(broken.proxy, broken.base, broken.broken)
    const context = await scenario.context(mode)
    await openPage(context, url)
    const output = await scenario.diagnosis(vite, broken.summary)
    hangUp()
    await running.restart(broken.apply(config, output))
    await expectHmrApplies(await openPage(context, url), vite)
  })

  test.each(
    HEALTHY.filter((healthy) => HEALTHY_SAMPLE.some((part) => healthy.name.includes(part))).map(
      (healthy) => [healthy.name, healthy] as const,
    ),
  )('%s: HMR applies, the doctor stays silent', async (_, healthy) => {
    const { vite, url } = await setUp(healthy.proxy, healthy.base, healthy.config)
    const watched = await openPage(await scenario.context(mode), url)
    await expectHmrApplies(watched, vite)
    await expectSilence(vite, watched)
  })
})

/** `base: '/'` behind a route that strips `/app/`: the page loads, its client never reaches Vite. */
const UNREACHED: Array<{ name: string; proxy: Proxy; broken(upstream: string): string; apply: Broken['apply'] }> = [
  {
    // Only /app/ goes to Vite, through a backend that strips it (no default_backend).
    name: 'HAProxy, a backend for /app/ whose http-request replace-path strips it',
    proxy: 'haproxy',
    broken: (u) =>
      `use_backend app if { path_beg /app/ }\nbackend app\n    ${HAPROXY_STRIP_RULE}\n    server vite ${u}`,
    apply: (config, output) => removeLines(config, printedBlock(output, HAPROXY_STRIP)),
  },
  {
    name: 'Apache, ProxyPass /app/ to / at VirtualHost level',
    proxy: 'apache',
    broken: (u) => `ProxyPass /app/ http://${u}/ upgrade=websocket`,
    apply: (config, output) => replaceLine(config, /^\s*ProxyPass \//, printedBlock(output, APACHE_VH('/app/'))),
  },
  {
    name: 'Apache, path-less ProxyPass to / inside <Location /app/>',
    proxy: 'apache',
    broken: (u) => `<Location /app/>\n    ProxyPass http://${u}/ upgrade=websocket\n</Location>`,
    apply: (config, output) =>
      replaceLine(config, /^\s*ProxyPass http/, printedBlock(output, APACHE_LOCATION('/app/'))),
  },
  {
    name: 'Caddy, handle_path /app/*',
    proxy: 'caddy',
    broken: (u) => `handle_path /app/* {\n    reverse_proxy ${u}\n}`,
    apply: (config, output) => replaceLine(config, /^\s*handle_path /, printedBlock(output, CADDY_HANDLE)),
  },
]

const NAMES: Record<Proxy, string> = { apache: 'Apache', caddy: 'Caddy', haproxy: 'HAProxy' }

describe.each(BROWSER_MODES)("base '/' behind a prefix-stripping route, %s browser", (mode) => {
  test.each(UNREACHED.map((unreached) => [unreached.name, unreached] as const))(
    "%s: described from the page's report; the check's base and route, applied, make HMR work",
    async (_, unreached) => {
      const first = await scenario.vite()
      const upstream = `${first.host}:${first.port}`
      const broken = unreached.broken(upstream)
      const running = await PROXIES[unreached.proxy].start(broken, upstream)
      const context = await scenario.context(mode)
      const page = `${running.origin}/app/`
      await openPage(context, page)
      // The prefix is the page report's word, which any page can send: described, with the check to run.
      const described = await scenario.diagnosis(
        first,
        `[hmr-doctor] Vite served the page at ${page}, but Vite's client never ran in it: no HMR. A proxy (${NAMES[unreached.proxy]}, by the marks on the report) seems to strip /app/ before Vite sees it.`,
      )
      expect(described).toContain('run npx hmr-doctor check <the URL you open the page at>')
      expect(printedBlocks(described).size).toBe(0)
      // What the developer then gets, typing the page's URL: the check's blocks, pasted.
      const output = (await runCli(['check', page, '--timeout', '30'])).stdout
      expect(output).toContain(
        `[hmr-doctor] ${NAMES[unreached.proxy]} strips /app/ before Vite sees it: Vite serves the page, but its client never reaches Vite, so no HMR.`,
      )

      const { configFile, files } = configWithPrintedFix(
        'export default defineConfig({})',
        printedBlock(output, 'vite.config, merged into your config'),
      )
      await first.stop()
      const fixed = await scenario.vite({ configFile, files, port: first.port })
      const config = unreached.apply(broken, output)
      expect(await running.check(config)).toMatch(PROXIES[unreached.proxy].valid)
      await running.restart(config)
      await expectHmrApplies(await openPage(context, page), fixed)
      expect(fixed.logger.text()).not.toContain('[hmr-doctor]')
    },
  )
})

/** The proxies' idle timeout in these tests: short, so a loop shows within seconds. */
const IDLE_S = 2
const CADDY_READ_TIMEOUT =
  'Caddy, in the transport http {} block of the reverse_proxy that proxies Vite, replacing its read_timeout'

const IDLE_LAYOUTS: Array<{ name: string; proxy: Proxy; broken(upstream: string): string; apply: Broken['apply'] }> = [
  {
    name: 'Apache, ProxyPass at VirtualHost level',
    proxy: 'apache',
    broken: (u) => `Timeout ${IDLE_S}\nProxyPass / http://${u}/ upgrade=websocket`,
    apply: (config, output) => replaceLine(config, /^\s*ProxyPass \//, printedBlock(output, APACHE_VH('/'))),
  },
  {
    name: 'Apache, path-less ProxyPass inside <Location />',
    proxy: 'apache',
    broken: (u) => `Timeout ${IDLE_S}\n<Location />\n    ProxyPass http://${u}/ upgrade=websocket\n</Location>`,
    apply: (config, output) => replaceLine(config, /^\s*ProxyPass http/, printedBlock(output, APACHE_LOCATION('/'))),
  },
  {
    // Caddy's only timeout that closes an upgraded connection (its server timeouts leave it open).
    name: "Caddy, reverse_proxy's transport http with read_timeout",
    proxy: 'caddy',
    broken: (u) => `reverse_proxy ${u} {\n    transport http {\n        read_timeout ${IDLE_S}s\n    }\n}`,
    apply: (config, output) => replaceLine(config, /^\s*read_timeout /, printedBlock(output, CADDY_READ_TIMEOUT)),
  },
]

describe.each(BROWSER_MODES)(`a proxy closing idle sockets after ${IDLE_S} s, %s browser`, (mode) => {
  // Each turn of the loop costs seconds: every layout where no fallback can hide the proxy, one per proxy with it.
  test.each(
    IDLE_LAYOUTS.filter(
      (layout, index) =>
        mode === 'proxy-only' || IDLE_LAYOUTS.findIndex((other) => other.proxy === layout.proxy) === index,
    ).map((layout) => [layout.name, layout] as const),
  )(
    '%s: the loop is named; the printed timeout stops it',
    async (_, layout) => {
      const { vite, config, running, hangUp, url } = await setUp(layout.proxy, '/', layout.broken, {
        doctor: { keepalive: false },
      })
      const context = await scenario.context(mode)
      const looping = await openPage(context, url)
      const output = await scenario.loopDiagnosis(vite)
      expect(output).toContain(`${LOOP_SUMMARY}${IDLE_S} s idle`)
      await looping.page.close()
      expect(output).toContain(`Then reload ${NAMES[layout.proxy]}`)

      const fixed = layout.apply(config, output)
      expect(await running.check(fixed)).toMatch(PROXIES[layout.proxy].valid)
      hangUp()
      await running.restart(fixed)
      const page = await openPage(context, url)
      const before = page.reloads()
      // Three of the proxy's idle timeouts pass with the page left alone: the printed line keeps the socket.
      await page.page.waitForTimeout(IDLE_S * 3 * 1000 + 500)
      expect(page.reloads()).toBe(before)
      await expectHmrApplies(page, vite)
      // A bound, not a verdict: the loop's turns, the restart and three timeouts on a loaded machine.
    },
    120_000,
  )
})

/** Vite's socket on its own path, so a proxy can route the page and leave the socket out. */
const HMR_PATH_CONFIG = `import { defineConfig } from 'vite'\n\nexport default defineConfig({ server: { ws: { path: 'hmr' } } })\n`
/** The broken config's routes but the wrong one, with the printed route pasted where its "where" says. */
const UNROUTED_FIX: Record<Proxy, (output: string, rest: string) => string> = {
  apache: (output, rest) =>
    `${rest}\n${printedBlock(output, 'Apache, in the <VirtualHost> that proxies Vite, after its other <Location> sections, replacing any ProxyPass it has for /hmr')}`,
  caddy: (output, rest) =>
    `${rest}\n${printedBlock(output, 'Caddy, in the site block that proxies Vite, replacing any route it has for /hmr')}`,
  haproxy: (output, rest) =>
    `${printedBlock(output, 'HAProxy, in the frontend that proxies Vite, above its other use_backend lines, replacing any it has for /hmr')}\n${rest}\n${printedBlock(output, 'HAProxy, a new section')}`,
}

interface Unrouted {
  name: string
  proxy: Proxy
  status: 404 | 502 | 503
  /** Vite listens on ::1 only, where the wrong route dials 127.0.0.1. */
  ipv6?: true
  /** The broken config; `vite` is Vite's own address. */
  broken(vite: string): string
  /**
   * The same without its route for the socket's path (the one the printed route replaces); the broken
   * config itself when it has no such route.
   */
  rest?(vite: string): string
}

/** The page's own paths; the socket's /hmr is not among them (the rest: a 404). */
const APP_PATHS = ['/', '/@vite/*', '/@fs/*', '/@id/*', '/src/*', '/node_modules/*']

const port = (address: string) => address.replace(/.*:/, '')
const APACHE_APP_ROUTES = (vite: string) => `ProxyPassMatch "^/($|@vite/|@fs/|@id/|src/|node_modules/)" http://${vite}`
const APACHE_SITE_LOCATION = (vite: string) =>
  `<Location />\n    ProxyPass http://${vite}/ upgrade=websocket\n</Location>`
const HAPROXY_APP_ROUTES = 'use_backend vite if { path / } || { path_beg /@vite/ /@fs/ /@id/ /src/ /node_modules/ }'
const CADDY_APP_ROUTES = (vite: string) =>
  `@app path ${APP_PATHS.join(' ')}\nhandle @app {\n    reverse_proxy ${vite}\n}\nhandle {\n    respond "Not Found" 404\n}`

const UNROUTED: Unrouted[] = [
  {
    name: "Apache's 404: ProxyPassMatch for the page's paths only",
    proxy: 'apache',
    status: 404,
    broken: (vite) => APACHE_APP_ROUTES(vite),
  },
  {
    // Apache answers a refused upstream with 503 (measured), not 502.
    name: "Apache's 503: a ProxyPass for /hmr to 127.0.0.1 while Vite listens on ::1",
    proxy: 'apache',
    ipv6: true,
    status: 503,
    broken: (vite) =>
      `ProxyPass /hmr http://127.0.0.1:${port(vite)}/hmr upgrade=websocket\nProxyPass / http://${vite}/ upgrade=websocket`,
    rest: (vite) => `ProxyPass / http://${vite}/ upgrade=websocket`,
  },
  {
    name: "Apache's 503: <Location /hmr> to 127.0.0.1 after <Location /> to ::1, where Vite listens",
    proxy: 'apache',
    ipv6: true,
    status: 503,
    broken: (vite) =>
      `${APACHE_SITE_LOCATION(vite)}\n<Location /hmr>\n    ProxyPass http://127.0.0.1:${port(vite)}/hmr upgrade=websocket\n</Location>`,
    rest: (vite) => APACHE_SITE_LOCATION(vite),
  },
  {
    name: "Caddy's 404: the page's paths to Vite, anything else answered 404",
    proxy: 'caddy',
    status: 404,
    broken: (vite) => CADDY_APP_ROUTES(vite),
  },
  {
    name: "Caddy's 502: a handle /hmr* to 127.0.0.1 while Vite listens on ::1",
    proxy: 'caddy',
    ipv6: true,
    status: 502,
    broken: (vite) =>
      `handle /hmr* {\n    reverse_proxy 127.0.0.1:${port(vite)}\n}\nhandle {\n    reverse_proxy ${vite}\n}`,
    rest: (vite) => `handle {\n    reverse_proxy ${vite}\n}`,
  },
  {
    // No use_backend matches the socket's path, and no default_backend: HAProxy answers 503 at once, with
    // its own error page (HAProxy names itself nowhere else).
    name: "HAProxy's 503: use_backend for the page's paths only",
    proxy: 'haproxy',
    status: 503,
    broken: () => HAPROXY_APP_ROUTES,
  },
  {
    // HAProxy retries a refused server (3 times, a second apart) before its 503: the page's probe has
    // stopped waiting by then.
    name: "HAProxy's slow 503: a use_backend for /hmr to 127.0.0.1 while Vite listens on ::1",
    proxy: 'haproxy',
    ipv6: true,
    status: 503,
    broken: (vite) =>
      `use_backend hmr if { path /hmr }\ndefault_backend vite\nbackend hmr\n    server vite 127.0.0.1:${port(vite)}`,
    rest: () => 'default_backend vite',
  },
]

describe.each(BROWSER_MODES)("the proxy's own answer for the socket's path, %s browser", (mode) => {
  test.each(UNROUTED.map((unrouted) => [unrouted.name, unrouted] as const))(
    '%s: named, and the printed route, pasted in place of the wrong one, makes HMR work',
    async (_, unrouted) => {
      const vite = await scenario.vite({ configFile: HMR_PATH_CONFIG, ...(unrouted.ipv6 && { host: '::1' }) })
      const address = `${vite.host.includes(':') ? `[${vite.host}]` : vite.host}:${vite.port}`
      const broken = unrouted.broken(address)
      const rest = unrouted.rest?.(address) ?? broken
      const running = await PROXIES[unrouted.proxy].start(broken, address)
      expect(await running.check(broken)).toMatch(PROXIES[unrouted.proxy].valid)
      const context = await scenario.context(mode)
      await openPage(context, `${running.origin}/`)
      const output = await scenario.diagnosis(vite, `[hmr-doctor] ${NAMES[unrouted.proxy]} `)
      expect(output).not.toMatch(/nginx/)

      const fixed = UNROUTED_FIX[unrouted.proxy](output, rest)
      expect(await running.check(fixed)).toMatch(PROXIES[unrouted.proxy].valid)
      await running.restart(fixed)
      const page = await openPage(context, `${running.origin}/`)
      await expectHmrApplies(page, vite)
      expect(page.console.join('\n')).not.toMatch(/WebSocket connection to .* failed/)
    },
  )
})

describe.each(BROWSER_MODES)(
  "Apache flattening the handshake on its way to Vite's socket server, %s browser",
  (mode) => {
    test("the 426 is named as Apache's; the printed <Location>, in place of the ProxyPass for /hmr, makes HMR work", async () => {
      const hmrPort = await freePort()
      const port = await freePort(PROXY_HOST)
      const vite = await scenario.vite({
        configFile: `import { defineConfig } from 'vite'\n\nexport default defineConfig({ server: { ws: { port: ${hmrPort}, clientPort: ${port}, path: 'hmr' } } })\n`,
      })
      const site = `ProxyPass / http://${vite.host}:${vite.port}/ upgrade=websocket`
      // The socket's own route, to the socket server, without upgrade=websocket.
      const broken = `ProxyPass /hmr http://127.0.0.1:${hmrPort}/hmr\n${site}`
      const running = await PROXIES.apache.start(broken, `${vite.host}:${vite.port}`, port)
      const context = await scenario.context(mode)
      await openPage(context, `${running.origin}/`)
      const output = await scenario.diagnosis(
        vite,
        `[hmr-doctor] Apache drops the WebSocket upgrade: the HMR handshake reaches Vite's socket server (port ${hmrPort}) as a plain request`,
      )

      const fixed = `${site}\n${printedBlock(output, `Apache, in the <VirtualHost> that proxies Vite, after its other <Location> sections, replacing any ProxyPass it has for /hmr`)}`
      expect(fixed).toContain(`ProxyPass http://127.0.0.1:${hmrPort}/hmr upgrade=websocket`)
      expect(await running.check(fixed)).toMatch(PROXIES.apache.valid)
      await running.restart(fixed)
      await expectHmrApplies(await openPage(context, `${running.origin}/`), vite)
    })
  },
)
