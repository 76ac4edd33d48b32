import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { createServer, type Plugin, type ViteDevServer } from 'vite'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
// dist, not src: the snippet is read from dist/client.iife.js next to the module (see global-setup.ts).
import { hmrDoctor } from '../../dist/index.js'
import { PAGE_QUERY, REPORT_QUERY, SECRET_HEADER } from '../../src/shared/protocol.js'
import { recordingLogger } from '../recording-logger.js'

/** Where the snippet posts: the client's own URL, with the report query. */
const REPORT_PATH = `@vite/client?${REPORT_QUERY}`

interface RunningVite {
  origin: string
  port: number
  /** The per-server secret, read from the snippet served in /@vite/client, as a browser would get it. */
  secret: string
  client: string
  /** Everything the server logged, as passed to the logger (colours included). */
  logged: string[]
  close(): Promise<void>
}

interface ViteSetup {
  base?: string
  appType?: 'spa' | 'custom'
  /** Plugins listed before the doctor, as a framework's usually are. */
  before?: Plugin[]
}

async function startVite({ base = '/', appType = 'spa', before = [] }: ViteSetup = {}): Promise<RunningVite> {
  const root = mkdtempSync(join(tmpdir(), 'hmr-doctor-endpoint-'))
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>fixture</title><p>fixture</p>\n')
  const { customLogger, logged } = recordingLogger()
  let server: ViteDevServer | undefined
  const close = async (): Promise<void> => {
    await server?.close()
    rmSync(root, { recursive: true, force: true })
  }
  try {
    server = await createServer({
      configFile: false,
      root,
      logLevel: 'silent',
      customLogger,
      base,
      appType,
      server: { port: 0, host: '127.0.0.1' },
      plugins: [...before, hmrDoctor()],
    })
    await server.listen()
    const address = server.httpServer?.address()
    if (!address || typeof address === 'string') throw new Error(`Vite is not listening on a port: ${address}`)
    const origin = `http://127.0.0.1:${address.port}${base.slice(0, -1)}`
    const client = await (await fetch(`${origin}/@vite/client`)).text()
    const secret = /"secret":"([^"]+)"/.exec(client)?.[1]
    if (!secret) throw new Error('no secret in the snippet served with /@vite/client')
    return { origin, port: address.port, secret, client, logged, close }
  } catch (error) {
    await close()
    throw error
  }
}

const PAGE_ORIGIN = 'http://127.0.0.1:1'

const VALID_REPORT = JSON.stringify({
  pageOrigin: PAGE_ORIGIN,
  sockets: [
    {
      url: 'ws://127.0.0.1:1/?token=x',
      opened: false,
      closeCode: 1006,
      openedAfterMs: null,
      closedAfterMs: 5,
      error: null,
      // The doctor part reports once its probe of the socket's URL came back.
      hop: { kind: 'no-answer', status: null, server: null },
    },
  ],
})

function post(vite: RunningVite, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${vite.origin}/${REPORT_PATH}`, {
    method: 'POST',
    // A browser's POST carries the page's origin; the report must name the same page.
    headers: { 'content-type': 'application/json', origin: PAGE_ORIGIN, [SECRET_HEADER]: vite.secret, ...headers },
    body,
  })
}

/** A POST with no content-length: Node sends it chunked, so only counting the bytes can stop it. */
function postChunked(vite: RunningVite, chunks: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${vite.origin}/${REPORT_PATH}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: PAGE_ORIGIN, [SECRET_HEADER]: vite.secret },
      },
      (response) => {
        let body = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => {
          body += chunk
        })
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
        response.on('error', reject)
      },
    )
    request.on('error', reject)
    for (const chunk of chunks) request.write(chunk)
    request.end()
  })
}

/** A report whose body starts and never ends. */
function stalledPost(vite: RunningVite) {
  const request = httpRequest(`${vite.origin}/${REPORT_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: PAGE_ORIGIN, [SECRET_HEADER]: vite.secret },
  })
  request.on('error', () => {})
  request.write('{')
  return request
}

/** A framework's page handler: mounted after Vite's middlewares, it answers everything that reaches it. */
const catchAll: Plugin = {
  name: 'catch-all',
  configureServer(server) {
    return () => {
      server.middlewares.use((_req, res) => {
        res.statusCode = 404
        res.end('the framework has no such page')
      })
    }
  },
}

describe('the routes behind whatever Vite and a framework do with a URL first', () => {
  test.each([
    { base: '/', appType: 'spa', framework: 'none' },
    { base: '/app/', appType: 'spa', framework: 'none' },
    { base: '/', appType: 'custom', framework: 'none' },
    { base: '/app/', appType: 'custom', framework: 'none' },
    { base: '/', appType: 'custom', framework: 'a catch-all', before: [catchAll] },
    { base: '/app/', appType: 'spa', framework: 'a catch-all', before: [catchAll] },
  ] as const)('base $base, appType $appType, framework: $framework', async (setup) => {
    const vite = await startVite({ ...setup, before: [...(setup.before ?? [])] })
    try {
      // As Chromium's import() asks for it: Accept */*, which Vite's SPA fallback rewrites to /index.html.
      const module = await fetch(`${vite.origin}/@vite/__hmr_doctor_client.js`, { headers: { accept: '*/*' } })
      expect(module.status).toBe(200)
      expect(await module.text()).toMatch(/export\s*\{[^}]*\bstart\b/)
      const report = await post(vite, VALID_REPORT)
      expect(report.status).toBe(200)
      expect(await report.json()).toHaveProperty('messages')
    } finally {
      await vite.close()
    }
  })
})

test('a page report under a base is taken where it arrived, base and all: no proxy cut a prefix', async () => {
  const vite = await startVite({ base: '/app/' })
  try {
    const page = `${vite.origin}/deep/page`
    const response = await fetch(`${page}?${PAGE_QUERY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: new URL(page).origin, [SECRET_HEADER]: vite.secret },
      body: JSON.stringify({ pageUrl: page }),
    })
    const { messages } = (await response.json()) as { messages: Array<{ lines: string[] }> }
    expect(messages.flatMap((message) => message.lines).join('\n')).toContain('arrived at Vite as /app/deep/page')
  } finally {
    await vite.close()
  }
})

describe('the report endpoint on a real Vite dev server', () => {
  let vite: RunningVite

  beforeAll(async () => {
    vite = await startVite()
  })

  afterAll(async () => {
    await vite?.close()
  })

  test('/@vite/client starts with the snippet, once, and Vite’s own code follows on the same line', () => {
    const install = ';install({"secret":'
    expect(vite.client.startsWith(';(()=>{')).toBe(true)
    expect(vite.client.split(install)).toHaveLength(2)
    const snippetEnd = vite.client.indexOf('})();', vite.client.indexOf(install)) + '})();'.length
    // The snippet must run before Vite's client opens its socket, and must not shift the source map's lines.
    expect(vite.client.slice(snippetEnd)).toMatch(/^import /)
    expect(vite.client.slice(0, snippetEnd)).not.toContain('\n')
    expect(vite.client.slice(0, snippetEnd)).toContain('"clientUrl":import.meta.url')
    // One source map, the one the plugin made: Vite adds none of its own to a module that has one.
    expect(vite.client.split('sourceMappingURL=')).toHaveLength(2)
  })

  // Each row with the right secret spends one of the 20 reports a window allows: keep the rows under that.
  test.each<{ name: string; init: (secret: string) => RequestInit; status: number; error: unknown }>([
    {
      name: 'PUT',
      init: (secret) => ({ method: 'PUT', headers: { [SECRET_HEADER]: secret }, body: VALID_REPORT }),
      status: 405,
      error: 'method not allowed',
    },
    {
      name: 'POST without the secret',
      init: () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: VALID_REPORT }),
      status: 403,
      error: 'forbidden',
    },
    {
      name: 'POST with a wrong secret of the same length',
      init: (secret) => ({
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SECRET_HEADER]: `${secret[0] === 'A' ? 'B' : 'A'}${secret.slice(1)}`,
        },
        body: VALID_REPORT,
      }),
      status: 403,
      error: 'forbidden',
    },
    {
      name: 'POST with the secret and more',
      init: (secret) => ({
        method: 'POST',
        headers: { 'content-type': 'application/json', [SECRET_HEADER]: `${secret}x` },
        body: VALID_REPORT,
      }),
      status: 403,
      error: 'forbidden',
    },
    {
      name: 'text/plain',
      init: (secret) => ({
        method: 'POST',
        headers: { 'content-type': 'text/plain', [SECRET_HEADER]: secret },
        body: VALID_REPORT,
      }),
      status: 415,
      error: 'expected application/json',
    },
    {
      // The media type must be JSON exactly, not merely start like it.
      name: 'application/jsonPWN',
      init: (secret) => ({
        method: 'POST',
        headers: { 'content-type': 'application/jsonPWN', origin: PAGE_ORIGIN, [SECRET_HEADER]: secret },
        body: VALID_REPORT,
      }),
      status: 415,
      error: 'expected application/json',
    },
    {
      name: 'a report whose page is not the one its Origin header names',
      init: (secret) => ({
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:2', [SECRET_HEADER]: secret },
        body: VALID_REPORT,
      }),
      status: 400,
      error: 'pageOrigin does not match the Origin header',
    },
    {
      name: 'a report without an Origin header (no browser sends a POST without one)',
      init: (secret) => ({
        method: 'POST',
        headers: { 'content-type': 'application/json', [SECRET_HEADER]: secret },
        body: VALID_REPORT,
      }),
      status: 400,
      error: 'pageOrigin does not match the Origin header',
    },
    {
      name: 'a body over 4096 bytes, with a content-length that says so',
      init: (secret) => ({
        method: 'POST',
        headers: { 'content-type': 'application/json', [SECRET_HEADER]: secret },
        body: JSON.stringify({ ...JSON.parse(VALID_REPORT), padding: 'x'.repeat(4096) }),
      }),
      status: 413,
      error: 'report too large',
    },
    {
      name: 'malformed JSON',
      init: (secret) => ({
        method: 'POST',
        headers: { 'content-type': 'application/json', [SECRET_HEADER]: secret },
        body: VALID_REPORT.slice(0, -3),
      }),
      status: 400,
      error: 'body is not JSON',
    },
    {
      name: 'JSON of the wrong shape',
      init: (secret) => ({
        method: 'POST',
        headers: { 'content-type': 'application/json', [SECRET_HEADER]: secret },
        body: JSON.stringify({ pageOrigin: 'http://127.0.0.1:1', sockets: 'all of them' }),
      }),
      status: 400,
      error: expect.any(String),
    },
  ])('$name → $status', async ({ init, status, error }) => {
    const response = await fetch(`${vite.origin}/${REPORT_PATH}`, init(vite.secret))
    expect(response.status).toBe(status)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(await response.json()).toEqual({ error })
  })

  test('the rest of the browser side is served beside the client, as a module, to GET (and HEAD) only', async () => {
    const module = await fetch(`${vite.origin}/@vite/__hmr_doctor_client.js`)
    expect(module.status).toBe(200)
    expect(module.headers.get('content-type')).toBe('text/javascript')
    expect(await module.text()).toMatch(/export\s*\{[^}]*\bstart\b/)
    expect(vite.client).toContain('__hmr_doctor_client.js')
    // HEAD answers the same headers without the body: a page reads its route's Server header there.
    const head = await fetch(`${vite.origin}/@vite/__hmr_doctor_client.js`, { method: 'HEAD' })
    expect([head.status, head.headers.get('content-type'), await head.text()]).toEqual([200, 'text/javascript', ''])
    const post = await fetch(`${vite.origin}/@vite/__hmr_doctor_client.js`, { method: 'POST' })
    expect(post.headers.get('content-type')).not.toBe('text/javascript')
  })

  test('another site cannot post: its preflight for the secret header is not allowed', async () => {
    // Vite's own CORS middleware answers preflights before plugin middlewares run; what matters is the verdict.
    const response = await fetch(`${vite.origin}/${REPORT_PATH}`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.test',
        'access-control-request-method': 'POST',
        'access-control-request-headers': `content-type,${SECRET_HEADER}`,
      },
    })
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
  })

  test('a body that never finishes → 408 after the deadline, and it costs the sender nothing', async () => {
    const stalled = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        `${vite.origin}/${REPORT_PATH}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: PAGE_ORIGIN, [SECRET_HEADER]: vite.secret },
        },
        (response) => {
          response.resume()
          resolve(response.statusCode ?? 0)
          request.destroy()
        },
      )
      request.on('error', reject)
      request.write(VALID_REPORT.slice(0, 10))
    })
    expect(stalled).toBe(408)
  })

  test('a chunked body over 4096 bytes, with no content-length → 413', async () => {
    const response = await postChunked(vite, [VALID_REPORT.slice(0, -1), `,"padding":"${'x'.repeat(4096)}"}`])
    expect(response).toEqual({ status: 413, body: JSON.stringify({ error: 'report too large' }) })
  })

  test('escape sequences in a report reach neither the terminal nor the browser', async () => {
    const red = '\u001b[31m'
    const hostile = JSON.stringify({
      pageOrigin: `http://127.0.0.1:2/${red}`,
      sockets: [
        {
          url: `ws://127.0.0.1:2/${red}?q=${red}&token=${red}`,
          opened: false,
          closeCode: 1006,
          openedAfterMs: null,
          closedAfterMs: 5,
          error: `${red}boom`,
        },
      ],
    })
    const response = await post(vite, hostile, { origin: 'http://127.0.0.1:2' })
    expect(response.status).toBe(200)
    const { messages } = (await response.json()) as { messages: { title: string; lines: string[] }[] }
    expect(messages.length).toBeGreaterThan(0)
    for (const text of messages.flatMap((message) => [message.title, ...message.lines])) {
      expect(text).not.toContain('\u001b')
    }
    // The finding was printed, so the report's strings did pass through the logger.
    expect(vite.logged.map(stripVTControlCharacters).some((text) => text.includes('http://127.0.0.1:2'))).toBe(true)
    expect(vite.logged.filter((text) => text.includes(red))).toEqual([])
  })

  test('a valid report → 200 with what the browser shows, and the fix printed once in the terminal', async () => {
    const response = await post(vite, VALID_REPORT)
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.json()).toEqual({
      messages: [
        {
          title: "[hmr-doctor] The browser's HMR socket never reached Vite.",
          lines: [
            'Seen by Vite: The page at http://127.0.0.1:1 dialled ws://127.0.0.1:1/?token=…; it closed with code 1006 after 5 ms, never open; asked over plain HTTP, that URL could not be reached; no handshake of any kind for / arrived at Vite.',
            'No rule of the doctor explains this failure, so it prints what it saw and no fix.',
          ],
        },
      ],
    })
    const printed = `\
[hmr-doctor] The browser's HMR socket never reached Vite.
  seen: The page at http://127.0.0.1:1 dialled ws://127.0.0.1:1/?token=…; it closed with code 1006 after 5 ms, never open; asked over plain HTTP, that URL could not be reached; no handshake of any kind for / arrived at Vite.
  No rule of the doctor explains this failure, so it prints what it saw and no fix.`
    expect(vite.logged.map(stripVTControlCharacters).filter((text) => text === printed)).toHaveLength(1)
    expect(vite.logged.filter((text) => text.includes('token=x'))).toEqual([])
  })

  test('after all that, the server still serves the page', async () => {
    const response = await fetch(`${vite.origin}/`)
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('<p>fixture</p>')
  })
})

describe('the report endpoint under a burst', () => {
  let vite: RunningVite

  beforeAll(async () => {
    vite = await startVite()
  })

  afterAll(async () => {
    await vite?.close()
  })

  test('25 reports within the window: 20 answered, the rest refused with 429, and the server keeps serving', async () => {
    const responses = await Promise.all(Array.from({ length: 25 }, () => post(vite, VALID_REPORT)))
    const statuses = responses.map((response) => response.status).sort()
    expect(statuses).toEqual([...Array.from({ length: 20 }, () => 200), ...Array.from({ length: 5 }, () => 429)])
    const refused = responses.find((response) => response.status === 429)
    expect(await refused?.json()).toEqual({ error: 'too many reports' })
    expect((await fetch(`${vite.origin}/`)).status).toBe(200)
  })
})

describe('the report endpoint under stalled bodies', () => {
  let vite: RunningVite

  beforeAll(async () => {
    vite = await startVite()
  })

  afterAll(async () => {
    await vite?.close()
  })

  test("bodies that stall cost the sender none of its 20 reports: a full window's worth still gets through", async () => {
    const stalls = Array.from({ length: 8 }, () => stalledPost(vite))
    const statuses = []
    for (let index = 0; index < 20; index += 1) statuses.push((await post(vite, VALID_REPORT)).status)
    for (const request of stalls) request.destroy()
    expect(statuses).toEqual(Array.from({ length: 20 }, () => 200))
  })
})

describe('a flood from the same address (a proxy every page shares) never holds up the real page', () => {
  let vite: RunningVite

  beforeAll(async () => {
    vite = await startVite()
  })

  afterAll(async () => {
    await vite?.close()
  })

  // Behind a proxy every page's POST comes from the proxy's address; the secret is served to every page.
  test('more junk POSTs than a window allows, from another page’s origin: the real page’s report is still taken', async () => {
    const junk = await Promise.all(
      Array.from({ length: 25 }, () => post(vite, '{"junk":true}', { origin: 'http://attacker.example' })),
    )
    expect(junk.map((response) => response.status)).toContain(429)
    expect((await post(vite, VALID_REPORT)).status).toBe(200)
  })

  test('more stalled bodies than read slots: the real report still gets one', async () => {
    const stalls = Array.from({ length: 24 }, () => stalledPost(vite))
    const answered = await post(vite, VALID_REPORT)
    for (const request of stalls) request.destroy()
    expect(answered.status).toBe(200)
  })
})

describe('a report whose query a proxy dropped', () => {
  let vite: RunningVite

  beforeAll(async () => {
    vite = await startVite()
  })

  afterAll(async () => {
    await vite?.close()
  })

  // `proxy_pass http://vite$uri;` forwards every request without its query: the secret header still says whose it is.
  test("is still the doctor's: a socket report and a page report, told apart by their bodies", async () => {
    const headers = { 'content-type': 'application/json', origin: PAGE_ORIGIN, [SECRET_HEADER]: vite.secret }
    const socketReport = await fetch(`${vite.origin}/@vite/client`, { method: 'POST', headers, body: VALID_REPORT })
    expect(socketReport.status).toBe(200)
    expect(await socketReport.json()).toMatchObject({ messages: [expect.anything()] })
    const pageReport = await fetch(`${vite.origin}/app/`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ pageUrl: `${PAGE_ORIGIN}/app/` }),
    })
    expect(pageReport.status).toBe(200)
  })

  test('a post with neither the query nor the header is not the doctor’s', async () => {
    const response = await fetch(`${vite.origin}/@vite/client`, { method: 'POST', body: VALID_REPORT })
    expect(response.headers.get('content-type') ?? '').not.toContain('application/json')
  })
})
