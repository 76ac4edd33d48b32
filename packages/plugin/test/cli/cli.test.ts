import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { parseCommand } from '../../src/cli/args.js'
import { runCheckOn } from '../../src/cli/check.js'
import { CheckError } from '../../src/cli/check-error.js'
import { checkFacts } from '../../src/cli/check-facts.js'
import { corsAllows } from '../../src/cli/cors.js'
import { type HopReply, kindOfAnswer } from '../../src/cli/hop-reply.js'
import type { HttpAnswer } from '../../src/cli/http-get.js'
import type { Observations } from '../../src/cli/observe.js'
import { errorJson, toJson } from '../../src/cli/output.js'
import { readServedClient, socketTargets } from '../../src/cli/served-client.js'

const SERVED = new URL('./served-clients/', import.meta.url)
const served = (file: string) => readFileSync(new URL(file, SERVED), 'utf8')

describe('the HMR settings Vite bakes into its client, across Vite 5.4 to 8', () => {
  const files = readdirSync(SERVED).sort()
  test('every supported major is here, with and without settings', () => {
    expect(files.map((file) => file.replace(/^vite(\d+)\.[^-]*/, 'vite$1'))).toEqual(
      [5, 6, 7, 8].flatMap((major) => [`vite${major}-default.txt`, `vite${major}-settings.txt`]),
    )
  })

  test.each(files.filter((file) => file.endsWith('-default.txt')))('%s: no settings, the page’s own origin', (file) => {
    const client = readServedClient(served(file), file)
    const version = /^vite([\d.]+)-/.exec(file)?.[1]
    expect(client).toMatchObject({ protocol: null, hostname: null, port: null, hmrBase: '/', base: '/' })
    expect(client.token).toBe(`T0kEn-${version}`)
    expect(client.directTarget).toMatch(/^127\.0\.0\.1:\d+\/$/)
    expect(client.pingMs).toBe(version?.startsWith('5.') ? null : 30_000)
    const targets = socketTargets(new URL('https://app.test/@vite/client'), client)
    expect(targets.primary).toBe('wss://app.test:/')
    expect(targets.direct).toBe(`wss://${client.directTarget}`)
  })

  test.each(files.filter((file) => file.endsWith('-settings.txt')))('%s: protocol, host, port, path, base', (file) => {
    const client = readServedClient(served(file), file)
    expect(client).toMatchObject({
      protocol: 'wss',
      hostname: 'app.test',
      port: 443,
      hmrBase: '/app/hmr',
      base: '/app/',
    })
    const targets = socketTargets(new URL('http://localhost:8080/app/@vite/client'), client)
    // A port is set: Vite's client has no direct fallback then.
    expect(targets).toEqual({ primary: 'wss://app.test:443/app/hmr', direct: null })
  })

  test.each([
    ['an empty file', ''],
    ['a page', '<!doctype html><script type="module" src="/@vite/client"></script>'],
    ['a client whose protocol is not ws/wss', served('vite8.4.0-default.txt').replace('null ||', '"ftp" ||')],
    [
      'a client with code where a literal belongs',
      served('vite8.4.0-default.txt').replace('const base = "/"', 'const base = x'),
    ],
    [
      'a host with an escape sequence in it',
      served('vite8.4.0-default.txt').replace('{null || importMetaUrl', '{"a\\u001b[31mb" || importMetaUrl'),
    ],
    ['a path with a space in it', served('vite8.4.0-default.txt').replace('{"/"}`', '{"/a b"}`')],
  ])('%s is not Vite’s client: a one-line CheckError', (_name, source) => {
    expect(() => readServedClient(source, 'http://a.test/@vite/client')).toThrow(CheckError)
  })
})

describe('the command line', () => {
  test.each([
    [[], { kind: 'help' }],
    [['--help'], { kind: 'help' }],
    [['check', '--help'], { kind: 'help' }],
    [['--version'], { kind: 'version' }],
    [['-v'], { kind: 'version' }],
    [
      ['check', 'http://a.test/', '--json', '--idle', '2.5', '--timeout', '3', '--insecure'],
      { kind: 'check', json: true },
    ],
  ])('%j parses', (argv, expected) => {
    const command = parseCommand(argv)
    expect(command).toMatchObject(expected)
    if (command.kind === 'check') {
      expect(command.options).toMatchObject({ idleMs: 2500, timeoutMs: 3000, insecure: true, origin: null })
    }
  })

  test.each([
    [['lint'], 'unknown command'],
    [['check'], 'needs the URL'],
    [['check', 'ftp://a.test/'], 'not an http:// or https:// URL'],
    [['check', 'http://a.test/', 'http://b.test/'], 'takes one URL'],
    [['check', 'http://a.test/', '--timeout=-1'], '--timeout takes'],
    [['check', 'http://a.test/', '--origin', 'nope'], '--origin "nope" is not a URL'],
    [['check', 'http://a.test/', '--nope'], "Unknown option '--nope' (try vite-plugin-hmr-doctor --help)"],
    [['check', 'http://a.test/', '--timeout'], '--timeout needs a value'],
    [['check', 'http://a.test/', '--json=yes'], '--json takes no value'],
  ])('%j is refused: %s', (argv, message) => {
    // Our own sentence, whole: none of Node's parser text (with its unbalanced quote) around it.
    expect(() => parseCommand(argv)).toThrow(message)
    expect(() => parseCommand(argv)).not.toThrow(/positional argument/)
  })
})

describe('who answered', () => {
  test.each<[string, string[], string, Partial<HopReply>]>([
    [
      'nginx',
      ['Server', 'nginx/1.22.1', 'Content-Type', 'text/html'],
      '<script src="/@vite/client">',
      { proxy: 'nginx', kind: 'vite-page' },
    ],
    [
      'Apache',
      ['Date', 'x', 'Server', 'Apache/2.4.71 (Debian)'],
      'Upgrade Required',
      { proxy: 'apache', kind: 'upgrade-required' },
    ],
    ['Caddy', ['Server', 'Caddy', 'Via', '1.1 Caddy'], '', { proxy: 'caddy', hopHeaders: { via: '1.1 Caddy' } }],
    ['HAProxy (every name lowercase)', ['content-type', 'text/html', 'date', 'x'], '', { proxy: 'haproxy' }],
    ['Vite itself (Node’s names)', ['Content-Type', 'text/html', 'Date', 'x'], '', { proxy: 'unknown' }],
  ])('%s', (_name, raw, body, expected) => {
    expect(kindOfAnswer(426, raw, body)).toMatchObject(expected)
  })
})

const client = readServedClient(served('vite8.4.0-default.txt'), 'fixture')
const nginxPage: HopReply = { status: 200, kind: 'vite-page', server: 'nginx/1.22.1', proxy: 'nginx', hopHeaders: {} }

/** Vite's page proxied by Express, which marks every answer it sends. */
const expressPage: HopReply = { ...nginxPage, server: null, proxy: 'unknown', poweredBy: 'Express' }

/** A handshake through the hop that got no answer at all, and what its URL answered over plain HTTP. */
const hung = (probe: HopReply) => ({
  url: 'ws://app.test:8080/',
  blocked: null,
  outcome: { kind: 'timeout', afterMs: 5000 } as const,
  probe,
})

function observations(overrides: Partial<Observations>): Observations {
  const pageUrl = new URL('http://app.test:8080/')
  return {
    pageUrl,
    origin: pageUrl.origin,
    page: nginxPage,
    blockedHost: null,
    loopedRedirects: [],
    clientTag: { url: new URL('/@vite/client', pageUrl), reply: nginxPage },
    client: null,
    served: client,
    corsRefused: false,
    primary: null,
    direct: null,
    withoutOrigin: null,
    atVite: null,
    viteAtRoot: false,
    idle: null,
    ...overrides,
  }
}

describe('observations become the plugin’s findings', () => {
  const tag = new URL('http://app.test:8080/@vite/client')
  const base = { clientTag: { url: tag, reply: nginxPage }, client: tag }
  const opened = {
    url: 'ws://app.test:8080/',
    blocked: null,
    outcome: { kind: 'opened', afterMs: 9 } as const,
    probe: null,
  }

  test.each<[string, Partial<Observations>, string[]]>([
    ['the socket opened', { ...base, primary: opened }, []],
    [
      'the handshake answered with Vite’s page',
      {
        ...base,
        primary: {
          url: 'ws://app.test:8080/',
          blocked: null,
          outcome: { kind: 'answered', afterMs: 3, reply: nginxPage },
          probe: nginxPage,
        },
      },
      ['upgrade-stripped'],
    ],
    [
      'the socket’s URL answered 404 by nginx',
      {
        ...base,
        primary: {
          url: 'ws://app.test:8080/',
          blocked: null,
          outcome: { kind: 'answered', afterMs: 3, reply: { ...nginxPage, status: 404, kind: 'other' } },
          probe: { ...nginxPage, status: 404, kind: 'other' },
        },
      },
      ['proxy-error'],
    ],
    ['Vite’s 403 names the Host', { blockedHost: 'app.test', clientTag: null, served: null }, ['host-rejected']],
    [
      'two quiet sockets closed at the same idle time',
      {
        ...base,
        primary: opened,
        idle: { heldMs: 5000, closes: [1, 2].map(() => ({ code: 1006, openForMs: 2000, idleMs: 2000 })) },
      },
      ['idle-timeout'],
    ],
    [
      'quiet sockets closed after longer than Vite’s client pings',
      {
        ...base,
        primary: opened,
        idle: { heldMs: 90_000, closes: [1, 2].map(() => ({ code: 1006, openForMs: 60_000, idleMs: 60_000 })) },
      },
      [],
    ],
    [
      'a hung handshake at a URL the hop routes to Vite, which opened it dialled straight',
      { ...base, primary: hung(expressPage), atVite: { kind: 'opened', afterMs: 4 } },
      ['upgrade-unrelayed'],
    ],
    [
      'a hung handshake at a URL the hop routes to Vite, and Vite dialled straight not answering either',
      { ...base, primary: hung(expressPage), atVite: { kind: 'timeout', afterMs: 5000 } },
      ['socket-never-arrived'],
    ],
    [
      'a hung handshake at a URL the hop answers itself, Vite opening it dialled straight',
      { ...base, primary: hung({ ...nginxPage, status: 404, kind: 'other' }), atVite: { kind: 'opened', afterMs: 4 } },
      ['proxy-error'],
    ],
    [
      'a client the page’s origin may not run (CORS), whatever its socket would do',
      { ...base, origin: 'http://backend.test', corsRefused: true },
      ['client-cors-refused'],
    ],
  ])('%s', (_name, overrides, causes) => {
    const result = runCheckOn(observations(overrides), '8.4.0')
    expect(result.findings.map((finding) => finding.cause)).toEqual(causes)
  })
})

describe('whether a page on an origin may run the client Vite answered (CORS)', () => {
  const client = new URL('http://127.0.0.1:5173/@vite/client')
  const answer = (allowed?: string): HttpAnswer => ({
    status: 200,
    headers: allowed === undefined ? {} : { 'access-control-allow-origin': allowed },
    rawNames: [],
    body: '',
  })
  test.each<[string, string | undefined, string, boolean]>([
    ['the client’s own origin, no header needed', undefined, 'http://127.0.0.1:5173', true],
    ['another origin, no header (Vite 6.0.9 on, by default)', undefined, 'http://backend.test', false],
    ['another origin, named', 'http://backend.test', 'http://backend.test', true],
    ['another origin, any (`*`: Vite before 5.4.12, cors: true)', '*', 'http://backend.test', true],
    ['another origin, a different one named', 'http://other.test', 'http://backend.test', false],
    ['another port of the same host', undefined, 'http://127.0.0.1:8000', false],
  ])('%s', (_name, allowed, origin, expected) => {
    expect(corsAllows(answer(allowed), origin, client)).toBe(expected)
  })
})

/** A handshake nginx answered with Vite's page: the upgrade dropped. */
const stripped = observations({
  client: new URL('http://app.test:8080/@vite/client'),
  primary: {
    url: 'ws://app.test:8080/',
    blocked: null,
    outcome: { kind: 'answered', afterMs: 3, reply: nginxPage },
    probe: nginxPage,
  },
})

describe('the project config (--project) is used only where it is the checked server’s', () => {
  const served = checkFacts(stripped, '8.4.0').facts
  const project = (facts: Partial<typeof served>) => ({
    file: '/app/vite.config.ts',
    version: '8.4.0',
    facts: { ...served, ...facts },
    listen: { host: 'localhost', port: 5173 },
  })

  test('the same base, HMR path and port: its facts, nothing assumed, and a note naming the file', () => {
    const result = runCheckOn(stripped, '8.4.0', project({ allowedHosts: ['app.test'] }))
    expect(result.findings.map((finding) => finding.cause)).toEqual(['upgrade-stripped'])
    expect(result.assumed).toEqual([])
    expect(result.notes).toEqual(["Vite's settings come from /app/vite.config.ts (Vite 8.4.0), as Vite resolves it."])
  })

  test.each([
    ['another base', { base: '/other/' }, "its base is /other/, the server's /"],
    ['another HMR path', { hmrPath: '/hmr' }, "its HMR path is /hmr, the server's /"],
    ['an HMR clientPort', { hmr: { clientPort: 443 } }, "its HMR port is 443, the server's the page’s"],
  ])('%s: not used, said why, and the served client’s assumptions kept', (_name, facts, why) => {
    const result = runCheckOn(stripped, '8.4.0', project(facts))
    expect(result.notes).toEqual([
      `/app/vite.config.ts is not the config of the server checked (${why}): its settings are not used.`,
    ])
    expect(result.assumed).toEqual(checkFacts(stripped, '8.4.0').assumed)
    expect(result.assumed.length).toBeGreaterThan(0)
  })
})

describe('the JSON result', () => {
  test('keeps its documented shape', () => {
    const result = runCheckOn(stripped, '8.4.0')
    const json = toJson(result)
    expect(Object.keys(json)).toEqual([
      'schemaVersion',
      'url',
      'result',
      'exitCode',
      'error',
      'hops',
      'findings',
      'assumed',
      'notes',
    ])
    expect(json).toMatchObject({ schemaVersion: 1, result: 'diagnosed', exitCode: 1, error: null })
    expect(json.hops.map((hop) => hop.step)).toEqual(['page', 'client', 'socket'])
    expect(Object.keys(json.hops[2] ?? {})).toEqual([
      'step',
      'url',
      'result',
      'status',
      'kind',
      'server',
      'headers',
      'plainHttp',
    ])
    expect(Object.keys(json.findings[0] ?? {})).toEqual([
      'cause',
      'summary',
      'seen',
      'notes',
      'proxy',
      'vite',
      'afterwards',
    ])
    expect(json.findings[0]?.proxy.map((block) => block.where)).toEqual([
      'nginx, inside http {}',
      'nginx, inside the server {} that proxies Vite',
    ])
    expect(JSON.stringify(json)).not.toContain('T0kEn')
    expect(errorJson(null, 'nothing is listening at a.test:80 (connection refused)')).toEqual({
      schemaVersion: 1,
      url: null,
      result: 'error',
      exitCode: 2,
      error: 'nothing is listening at a.test:80 (connection refused)',
      hops: [],
      findings: [],
      assumed: [],
      notes: [],
    })
  })
})
