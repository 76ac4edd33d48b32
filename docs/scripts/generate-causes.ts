// Writes docs/causes/*.md from the plugin's own renderers, so a page shows exactly what the plugin prints.
// `--check` writes nothing and fails when a page differs from what the renderers print today.
//   pnpm --filter hmr-doctor-docs run generate          (after a change in packages/plugin/src/render)
//   pnpm --filter hmr-doctor-docs run generate:check    (in `npm run test:unit` and `npm test`)
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import type { Cause, Finding } from '../../packages/plugin/src/diagnose/finding-types.js'
import { lostHopHeaders, vouchedUpstream } from '../../packages/plugin/src/diagnose/queries.js'
import type { ProxyKind } from '../../packages/plugin/src/evidence/evidence-types.js'
import { RENDERED_CAUSES } from '../../packages/plugin/src/render/finding.js'
import type { ViteFacts } from '../../packages/plugin/src/vite/vite-facts.js'
import { request, terminal, viteFacts } from '../../packages/plugin/test/fixtures.js'

const causesDir = new URL('../causes/', import.meta.url)

/** The proxies whose syntax the renderers print, and the catch-all for one the doctor can't name. */
const PROXIES: Array<{ kind: ProxyKind; name: string }> = [
  { kind: 'nginx', name: 'nginx' },
  { kind: 'apache', name: 'Apache' },
  { kind: 'caddy', name: 'Caddy' },
  { kind: 'haproxy', name: 'HAProxy' },
  { kind: 'unknown', name: 'A proxy it can’t name' },
]

interface Example {
  heading: string
  finding: Finding
  facts?: ViteFacts
}

interface CausePage {
  cause: Cause
  title: string
  /** What happened, in a sentence or two, for the page's top and the README's list. */
  about: string
  /** One example per proxy, or the same for all when the fix is Vite's alone. */
  examples: (proxy: ProxyKind, name: string) => Example[]
  perProxy: boolean
}

/** The handshake as `proxy` forwards it when it drops the upgrade: nginx speaks HTTP/1.0, the others 1.1. */
function handshake(proxy: ProxyKind) {
  return proxy === 'nginx' ? request({ proxy }) : request({ proxy, httpVersion: '1.1', connection: 'Upgrade' })
}

const PAGES: CausePage[] = [
  {
    cause: 'upgrade-stripped',
    title: 'The proxy drops the WebSocket upgrade',
    about:
      'The proxy forwards the HMR handshake without its `Upgrade` or `Connection: upgrade` header: Vite gets a plain request and answers 200 (426 on a separate socket port).',
    perProxy: true,
    examples: (proxy, name) => {
      const request = handshake(proxy)
      const finding = {
        cause: 'upgrade-stripped' as const,
        proxy,
        handshake: request,
        lost: lostHopHeaders(request),
        hmrServer: false,
        pageOrigin: request.origin,
        fallback: 'fails' as const,
        upstream: vouchedUpstream(request),
        pageHostname: 'localhost',
      }
      const examples: Example[] = [{ heading: name, finding }]
      // The seed: a separate socket port, whose own server answers the flattened handshake with 426.
      if (proxy === 'nginx') {
        const toSocketPort = { ...request, path: '/hmr', host: 'localhost:24678', localPort: 24678 }
        examples.push({
          heading: 'nginx, on its way to a separate socket port (the 426)',
          finding: { ...finding, handshake: toSocketPort, hmrServer: true, upstream: vouchedUpstream(toSocketPort) },
          facts: viteFacts({ hmrPath: '/hmr', hmr: { port: 24678, path: '/hmr' }, hmrServerPort: 24678 }),
        })
      }
      return examples
    },
  },
  {
    cause: 'proxy-error',
    title: 'The proxy answers the socket with an error of its own',
    about:
      'The socket’s URL is answered by the proxy itself (404, 502, 504): its route for the socket is missing, or can’t reach Vite, and no handshake reaches Vite.',
    perProxy: true,
    examples: (proxy, name) =>
      (proxy === 'nginx' ? [404, 502] : [502]).map((status) => ({
        heading: `${name}, ${status}`,
        finding: {
          cause: 'proxy-error',
          proxy,
          status,
          server: null,
          socketUrl: 'ws://localhost:8080/hmr?token=…',
          path: '/hmr',
          pageOrigin: 'http://localhost:8080',
          fallback: 'fails',
        },
        facts: viteFacts({ hmrPath: '/hmr', hmr: { path: '/hmr' } }),
      })),
  },
  {
    cause: 'uri-rewritten',
    title: 'The proxy rewrites the URI: the query or the prefix is lost',
    about:
      'The proxy drops the query (and Vite’s token with it: the handshake gets 400), or strips the `base` prefix (Vite redirects into `base` in a loop).',
    perProxy: true,
    examples: (proxy, name) => {
      const request = handshake(proxy)
      return [
        {
          heading: `${name}, the query dropped`,
          finding: {
            cause: 'uri-rewritten',
            what: 'query',
            request: { ...request, hasToken: false },
            redirects: 0,
            upstream: null,
          },
        },
        {
          heading: `${name}, the prefix stripped under \`base: '/app/'\``,
          finding: {
            cause: 'uri-rewritten',
            what: 'prefix',
            request: { ...request, path: '/', wsProtocol: null, origin: null },
            redirects: 40,
            upstream: null,
          },
          facts: viteFacts({ base: '/app/', hmrPath: '/app/' }),
        },
      ]
    },
  },
  {
    cause: 'client-unreached',
    title: 'The page loads without Vite’s client',
    about:
      "Vite served the page, but its client never reached Vite: with `base: '/'` behind a route that strips a prefix, the page asks for `/@vite/client` outside that route.",
    perProxy: true,
    examples: (proxy, name) => {
      const finding = {
        cause: 'client-unreached' as const,
        pageUrl: 'http://localhost:8080/app/',
        clientSrc: 'http://localhost:8080/@vite/client',
        arrivedPath: '/',
        strippedPrefix: '/app/',
        upstream: null,
        proxy,
      }
      // The plugin has only the page's word for the prefix; the check, run on the URL you typed, prints the fix.
      return [
        { heading: `${name}, from the plugin`, finding },
        { heading: `${name}, from \`hmr-doctor check <url>\``, finding: { ...finding, confirmed: true as const } },
      ]
    },
  },
  {
    cause: 'idle-timeout',
    title: 'The proxy closes idle sockets',
    about:
      'The proxy closes the open HMR socket after a steady idle time shorter than Vite’s ping: “server connection lost”, and a page reload every time.',
    perProxy: true,
    examples: (proxy, name) => [
      {
        heading: name,
        finding: {
          cause: 'idle-timeout',
          proxy,
          pageOrigin: 'http://localhost:8080',
          timeoutMs: 20_000,
          idleRangeMs: [19_910, 20_030],
          closes: 3,
          spanMs: 61_000,
          code: 1006,
          seenByVite: 3,
          upstream: null,
        },
      },
    ],
  },
  {
    cause: 'socket-never-arrived',
    title: 'No handshake reaches Vite',
    about:
      'The page loaded Vite’s client and dialled the socket, and nothing of it reached Vite: the proxy held it unanswered, or sent it elsewhere.',
    perProxy: true,
    examples: (proxy, name) => [
      {
        heading: name,
        finding: {
          cause: 'socket-never-arrived',
          pageOrigin: 'http://localhost:8080',
          socketUrl: 'ws://localhost:8080/?token=…',
          fallback: 'fails',
          proxy,
        },
      },
    ],
  },
  {
    cause: 'host-rejected',
    title: 'Vite’s host check refuses the Host the proxy sends',
    about:
      'Vite’s host check refuses the `Host` the proxy forwards: every page gets 403, or the handshake a silent 400. The fix is Vite’s alone (`server.allowedHosts`).',
    perProxy: false,
    examples: () => [
      {
        heading: 'A page refused (403)',
        finding: {
          cause: 'host-rejected',
          via: 'page',
          request: request({
            path: '/',
            host: 'app.test:8080',
            origin: null,
            wsProtocol: null,
            hasToken: false,
            vouched: false,
          }),
          hostname: 'app.test',
          verified: false,
        },
      },
      {
        heading: 'nginx names Vite by its Docker Compose service (`proxy_pass http://vite:5173`)',
        finding: {
          cause: 'host-rejected',
          via: 'upstream',
          request: request({
            path: '/',
            host: 'vite:5173',
            localPort: 5173,
            origin: null,
            wsProtocol: null,
            hasToken: false,
            vouched: false,
          }),
          hostname: 'vite',
          verified: false,
        },
      },
      {
        heading: 'The handshake refused (a silent 400)',
        finding: {
          cause: 'host-rejected',
          via: 'handshake',
          request: request({ host: 'app.test', origin: 'https://app.test', httpVersion: '1.1', upgrade: 'websocket' }),
          hostname: 'app.test',
          verified: true,
        },
      },
    ],
  },
  {
    cause: 'socket-misdirected',
    title: 'The browser dials the socket somewhere else',
    about:
      "The browser dials the HMR socket at another host, port or scheme than the page’s (a separate `hmr.port`, `clientPort` at Vite’s port behind TLS, `hmr.host: '0.0.0.0'`). The fix is Vite’s alone.",
    perProxy: false,
    examples: () => [
      {
        heading: 'Another port (a separate socket port, or Vite’s own port)',
        finding: {
          cause: 'socket-misdirected',
          clientOrigin: 'http://localhost:8080',
          socketUrl: 'ws://localhost:5173/?token=…',
          opened: false,
          error: null,
          settings: { clientPort: 8080 },
          fallback: 'fails',
        },
      },
      {
        heading: "TLS at the proxy, with `protocol: 'ws'` forced",
        finding: {
          cause: 'socket-misdirected',
          clientOrigin: 'https://app.test',
          socketUrl: 'ws://app.test/?token=…',
          opened: false,
          error:
            "SecurityError: Failed to construct 'WebSocket': An insecure WebSocket connection may not be initiated from a page loaded",
          settings: { protocol: 'wss' },
          fallback: 'fails',
        },
      },
    ],
  },
  {
    cause: 'socket-port-unproxied',
    title: 'Middleware mode: the socket on a port of its own',
    about:
      'Vite in middleware mode serves the HMR socket on its own port (24678), which the proxy that carries your app doesn’t carry.',
    perProxy: false,
    examples: () => [
      {
        heading: '',
        finding: {
          cause: 'socket-port-unproxied',
          clientOrigin: 'http://localhost:8080',
          socketUrl: 'ws://localhost:24678/?token=…',
          opened: false,
          port: 24678,
        },
        facts: viteFacts({ middlewareMode: true, hmrServerPort: 24678 }),
      },
    ],
  },
  {
    cause: 'upgrade-unrelayed',
    title: 'A Node proxy forwards the handshake and never relays the answer',
    about:
      'A Node server in front of Vite (Express with http-proxy-middleware without `ws: true`, http-proxy with `proxy.web` alone) forwards the HMR handshake as a plain request: Vite answers 101, the proxy drops it, and the page’s socket hangs. With `ws: true` alone, a server restarted under an open page does this to Vite’s restart ping (`vite-ping`, dialled before any HTTP request reaches the new server’s middleware): the page waits on it and never reloads. The page watches that ping too, in the worker Vite 6+ pings from, and tells the doctor only once it hangs. Lowercase header names alone don’t say Node: HAProxy lowercases them too, handshakes alike. On a plain request HAProxy also drops `Connection`, which Node’s proxies (http-proxy, httpxy, http-proxy-3) keep: when the page’s client load came with lowercase names and no `Connection`, the Node lines are left out and the hop is described.',
    perProxy: false,
    examples: () => [
      {
        heading: '',
        finding: {
          cause: 'upgrade-unrelayed',
          pageOrigin: 'http://localhost:8080',
          socketUrl: 'ws://localhost:8080/?token=…',
          hangingAfterMs: 1000,
          handshake: request({ proxy: 'node', httpVersion: '1.1', upgrade: 'websocket', connection: 'upgrade' }),
          cutAfterMs: 3,
          nodeClient: true,
        },
      },
      {
        heading: 'The server restarted under an open page (`ws: true` alone)',
        finding: {
          cause: 'upgrade-unrelayed',
          pageOrigin: 'http://localhost:8080',
          socketUrl: 'ws://localhost:8080/',
          hangingAfterMs: 1000,
          handshake: request({ proxy: 'node', httpVersion: '1.1', upgrade: 'websocket', connection: 'upgrade' }),
          cutAfterMs: 2,
          nodeClient: true,
          ping: true,
        },
      },
    ],
  },
  {
    cause: 'vite-proxy-unrelayed',
    title: 'Vite’s `server.proxy` carries the pages but not the socket',
    about:
      'A Vite dev server in front of this one (a micro-frontend shell) proxies this Vite’s base with `server.proxy` but without `ws: true`: the front Vite’s own HMR listener leaves the handshake unanswered, and the page’s socket hangs. The page tells it from its origin’s `/@vite/client`, which is the front Vite’s client, not its own.',
    perProxy: false,
    examples: () => [
      {
        heading: '',
        finding: {
          cause: 'vite-proxy-unrelayed',
          pageOrigin: 'http://localhost:5173',
          socketUrl: 'ws://localhost:5173/app2/?token=…',
          hangingAfterMs: 1000,
          prefix: '/app2',
        },
      },
    ],
  },
  {
    cause: 'subprotocol-stripped',
    title: 'A hop removes `Sec-WebSocket-Protocol`',
    about:
      'A hop forwards the HMR handshake without Vite’s subprotocol (`vite-hmr`): Vite’s listener leaves it alone, nobody answers, and the page’s socket hangs.',
    perProxy: false,
    examples: () => [
      {
        heading: '',
        finding: {
          cause: 'subprotocol-stripped',
          proxy: 'nginx',
          pageOrigin: 'http://localhost:8080',
          socketUrl: 'ws://localhost:8080/?token=…',
          hangingAfterMs: 1000,
          handshake: request({ proxy: 'nginx', httpVersion: '1.1', upgrade: 'websocket', wsProtocol: null }),
        },
      },
    ],
  },
  {
    cause: 'upgrade-contested',
    title: 'An app’s WebSocket server answers Vite’s handshake',
    about:
      'The app attaches its own `WebSocketServer({ server })` to the server Vite’s socket shares (`hmr.server`): both answer the HMR handshake, and the browser’s socket fails.',
    perProxy: false,
    examples: () => [
      {
        heading: '',
        finding: {
          cause: 'upgrade-contested',
          handshake: request({ proxy: 'unknown', httpVersion: '1.1', upgrade: 'websocket' }),
          otherListeners: 1,
        },
        facts: viteFacts({ middlewareMode: true }),
      },
    ],
  },
  {
    cause: 'policy-refused',
    title: 'The page’s Content-Security-Policy refuses the socket',
    about:
      'The page’s `connect-src` (or `default-src`) has no source for the HMR socket’s `ws:` URL, so the browser never dials it. The fix is the policy’s, wherever it is set (the proxy’s headers, the backend, a meta tag).',
    perProxy: false,
    examples: () => [
      {
        heading: '',
        finding: {
          cause: 'policy-refused',
          pageOrigin: 'http://localhost:8080',
          socketUrl: 'ws://localhost:8080/?token=…',
          directive: 'connect-src',
          policy: "default-src 'self'; connect-src http://localhost:8080",
          source: "'self'",
          sources: ['http://localhost:8080'],
        },
      },
    ],
  },
]

function render(page: CausePage): string {
  const lines = [
    `<!-- Generated by docs/scripts/generate-causes.ts from the plugin's renderers: do not edit. -->`,
    '',
    `# ${page.title}`,
    '',
    page.about,
    '',
    'What the doctor prints, for a page opened through a proxy at `http://localhost:8080` and Vite 8.3 on',
    '`127.0.0.1:5173` (a real message has your hosts, ports and paths):',
    '',
  ]
  const proxies = page.perProxy ? PROXIES : [{ kind: 'unknown' as const, name: '' }]
  for (const { kind, name } of proxies) {
    for (const example of page.examples(kind, name)) {
      if (example.heading) lines.push(`## ${example.heading}`, '')
      lines.push('```text', terminal(example.finding, example.facts ?? viteFacts()), '```', '')
    }
  }
  return `${lines.join('\n').trimEnd()}\n`
}

function index(): string {
  const lines = [
    `<!-- Generated by docs/scripts/generate-causes.ts from the plugin's renderers: do not edit. -->`,
    '',
    '# Causes',
    '',
    'Each cause the doctor can name, with the message it prints and the fix for each proxy:',
    '',
    ...PAGES.map((page) => `- [${page.title}](./${page.cause}): ${page.about}`),
    '',
  ]
  return lines.join('\n')
}

// A cause the plugin can print with no page here is a cause users can't look up.
const pageless = RENDERED_CAUSES.filter((cause) => !PAGES.some((page) => page.cause === cause))
if (pageless.length > 0) {
  console.error(`docs/scripts/generate-causes.ts has no page for: ${pageless.join(', ')}`)
  process.exit(1)
}

const pages = new Map<string, string>([
  ['index.md', index()],
  ...PAGES.map((page): [string, string] => [`${page.cause}.md`, render(page)]),
])
const check = process.argv.includes('--check')
// The README's one-line list links to each page: a cause without a line there is a cause users never hear of.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
const unlisted = PAGES.filter((page) => !readme.includes(`causes/${page.cause})`)).map((page) => page.cause)
if (unlisted.length > 0) {
  console.error(`README.md's list of causes has no link to: ${unlisted.join(', ')}`)
  process.exit(1)
}
const stale = existsSync(causesDir) ? readdirSync(causesDir).filter((file) => !pages.has(file)) : []
const differing = [...pages].filter(([file, text]) => {
  const path = new URL(file, causesDir)
  return !existsSync(path) || readFileSync(path, 'utf8') !== text
})
if (check) {
  if (differing.length > 0 || stale.length > 0) {
    const names = [...differing.map(([file]) => file), ...stale.map((file) => `${file} (no renderer)`)]
    console.error(
      `docs/causes differs from what the renderers print: ${names.join(', ')}.\nRun: pnpm --filter hmr-doctor-docs run generate`,
    )
    process.exit(1)
  }
  console.log(`docs/causes: ${pages.size} pages, as the renderers print them`)
} else {
  mkdirSync(causesDir, { recursive: true })
  for (const [file, text] of differing) writeFileSync(new URL(file, causesDir), text)
  console.log(`docs/causes: ${differing.length} of ${pages.size} pages rewritten`)
  if (stale.length > 0) console.log(`not from a renderer, to delete: ${stale.join(', ')}`)
}
