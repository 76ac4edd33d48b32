import { createServer as createHttpServer, request as httpRequest } from 'node:http'
import { type AddressInfo, connect } from 'node:net'
import { describe, expect, test } from 'vitest'
import { silenceWindowMs } from '../../packages/plugin/src/shared/timing.js'
import {
  dialHmr,
  expectSilence,
  freePort,
  nginxConfig,
  openPage,
  PROXY_HOST,
  printedBlocks,
  REPORT_PATH,
  type RunningVite,
  testNginxConfig,
  viteBlocksWithCode,
  waitFor,
} from '../harness/index.js'
import { useScenario, WEBSOCKET_MAP } from '../harness/scenario.js'

const scenario = useScenario()

const KEY = 'dGhlIHNhbXBsZSBub25jZQ=='
const INJECTION = "http://x'+import('fs').then(function(f){f.mkdir('pwned',function(){})})+'y"
const NGINX_SUMMARY = '[hmr-doctor] nginx drops the WebSocket upgrade'

/** One raw request; resolves with the status, or null when nobody answered within a short while. */
function send(origin: string, path: string, headers: Record<string, string>, body?: string): Promise<number | null> {
  return new Promise((resolve) => {
    const req = httpRequest(`${origin}${path}`, { method: body === undefined ? 'GET' : 'POST', headers })
    const timer = setTimeout(() => {
      req.destroy()
      resolve(null)
    }, 1500)
    req.on('response', (response) => {
      clearTimeout(timer)
      response.resume()
      resolve(response.statusCode ?? null)
    })
    req.on('upgrade', (_response, socket) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(101)
    })
    req.on('error', () => {
      clearTimeout(timer)
      resolve(null)
    })
    req.end(body)
  })
}

/** A request written byte for byte, as nginx forwards a flattened handshake: HTTP/1.0, `Connection: close`. */
function sendRaw(host: string, port: number, head: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ host, port }, () => socket.end(`${head.replaceAll('\n', '\r\n')}\r\n\r\n`))
    socket.on('data', () => socket.destroy())
    socket.on('close', () => resolve())
    socket.on('error', () => resolve())
  })
}

/** A handshake as a proxy that drops the upgrade forwards it: WebSocket headers, no Upgrade. */
function flattened(extra: Record<string, string>): Record<string, string> {
  return {
    connection: 'close',
    'sec-websocket-key': KEY,
    'sec-websocket-version': '13',
    'sec-websocket-protocol': 'vite-hmr',
    ...extra,
  }
}

/** A real WebSocket upgrade request. */
function upgrade(extra: Record<string, string>): Record<string, string> {
  return { ...flattened(extra), connection: 'Upgrade', upgrade: 'websocket' }
}

/** What anyone who can reach the dev server can read: the token and the snippet's secret, from the client. */
async function credentials(vite: RunningVite): Promise<{ token: string; secret: string }> {
  const client = await (await fetch(`http://${vite.host}:${vite.port}/@vite/client`)).text()
  const token = /const wsToken = "([^"]+)"/.exec(client)?.[1]
  const secret = /"secret":"([^"]+)"/.exec(client)?.[1]
  if (!token || !secret) throw new Error('no token or secret in the served client')
  return { token, secret }
}

/** Every printed nginx block passes `nginx -t` where it says it goes, and names only `upstreams`. */
async function expectNginxBlocksAreSafe(output: string, upstreams: readonly string[]): Promise<void> {
  const blocks = printedBlocks(output)
  for (const [where, text] of blocks) {
    if (!where.startsWith('nginx')) continue
    for (const [, upstream] of text.matchAll(/proxy_pass http:\/\/([^;]+);/g)) expect(upstreams).toContain(upstream)
  }
  const serverBlock = blocks.get('nginx, inside the server {} that proxies Vite')
  if (serverBlock !== undefined) {
    const http = blocks.get('nginx, inside http {}') ?? ''
    await testNginxConfig(
      nginxConfig({ listen: '127.0.0.1:1', upstream: upstreams[0] ?? '127.0.0.1:1', http, server: serverBlock }),
    )
  }
}

/** Waits out every window after which the doctor could still speak, then returns what it said. */
async function settledOutput(vite: RunningVite): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, silenceWindowMs()))
  return vite.logger.text()
}

describe('requests without any credential', () => {
  test('the injection repro prints nothing at all, direct or through nginx', async () => {
    const vite = await scenario.vite()
    const { origin: proxied } = await scenario.nginx({ upstream: `${vite.host}:${vite.port}` })
    const direct = `http://${vite.host}:${vite.port}`
    for (const target of [direct, proxied]) await send(target, '/', flattened({ origin: INJECTION }))
    const output = await settledOutput(vite)
    expect(output).not.toContain('[hmr-doctor]')
    expect(printedBlocks(output).size).toBe(0)
  })

  test('made-up hosts, upstreams, paths, origins and client loads: no fix, no alarm', async () => {
    const vite = await scenario.vite()
    const { origin: proxied } = await scenario.nginx({ upstream: `${vite.host}:${vite.port}` })
    const direct = `http://${vite.host}:${vite.port}`
    for (const target of [direct, proxied]) {
      await send(target, '/', flattened({ host: 'attacker-upstream.evil.test:6666', origin: 'http://www.evil.test' }))
      await send(target, '/x', upgrade({ host: 'upstream.evil.test:5173', origin: 'http://www.evil.test' }))
      await send(target, '/', upgrade({ origin: 'http://www.evil.test' }))
      await send(target, '/@vite/client', {
        'sec-fetch-dest': 'script',
        'sec-fetch-site': 'cross-site',
        origin: 'http://www.evil.test',
      })
      await send(target, '/@vite/client', {
        'user-agent': 'Mozilla/5.0',
        accept: '*/*',
        referer: 'http://www.evil.test/',
        'x-forwarded-host': 'www.evil.test',
        'x-forwarded-proto': 'https',
      })
      await send(target, '/', { host: "x'+y", 'sec-fetch-dest': 'document', accept: 'text/html' })
    }
    const output = await settledOutput(vite)
    expect(output).not.toContain('[hmr-doctor]')
  })

  test('a refused Host is named as seen, never put into a fix', async () => {
    const vite = await scenario.vite()
    await send(`http://${vite.host}:${vite.port}`, '/', {
      host: 'www.evil.test',
      'sec-fetch-dest': 'document',
      accept: 'text/html',
    })
    const output = await scenario.diagnosis(vite, `[hmr-doctor] Vite's host check refuses "www.evil.test"`)
    expect(output).toContain('Nothing is printed to paste')
    expect(printedBlocks(output).size).toBe(0)
  })
})

describe('requests with what anyone who can reach the server can read (the token, the secret)', () => {
  test('hostile values in vouched requests and reports are described, never printed into a config', async () => {
    const vite = await scenario.vite()
    const direct = `http://${vite.host}:${vite.port}`
    const { token, secret } = await credentials(vite)
    await sendRaw(
      vite.host,
      vite.port,
      `GET /?token=${token} HTTP/1.0
Host: evil'; x
Connection: close
Origin: ${INJECTION}
Sec-WebSocket-Key: ${KEY}
Sec-WebSocket-Version: 13
Sec-WebSocket-Protocol: vite-hmr`,
    )
    const hostileOrigin = "http://x'+import('fs')+'y:8080"
    const report = JSON.stringify({
      pageOrigin: hostileOrigin,
      clientOrigin: hostileOrigin,
      sockets: [
        {
          url: 'ws://localhost:1/',
          opened: false,
          closeCode: 1006,
          openedAfterMs: null,
          closedAfterMs: 3,
          error: null,
        },
      ],
    })
    const reportHeaders = { 'content-type': 'application/json', 'x-hmr-doctor-secret': secret, origin: hostileOrigin }
    expect(await send(direct, REPORT_PATH, reportHeaders, report)).toBe(200)
    const output = await settledOutput(vite)
    expect(output).toContain(NGINX_SUMMARY)
    expect(output).toContain('hostname is not one a config can hold as it is')
    expect(viteBlocksWithCode(output)).toEqual([])
    await expectNginxBlocksAreSafe(output, [`${vite.host}:${vite.port}`])
    for (const text of printedBlocks(output).values()) {
      expect(text).not.toMatch(/evil|import\(|x'/)
    }
  })

  test('a genuine failure after a flood of junk is still printed, with its own values', async () => {
    const vite = await scenario.vite()
    const { origin, port } = await scenario.nginx({ upstream: `${vite.host}:${vite.port}` })
    const direct = `http://${vite.host}:${vite.port}`
    for (let index = 0; index < 40; index += 1) {
      await send(direct, '/', { host: `made-up-${index}.test`, 'sec-fetch-dest': 'document', accept: 'text/html' })
      await send(
        direct,
        '/',
        flattened({ host: `junk-${index}.evil.test:1`, origin: `http://junk-${index}.evil.test` }),
      )
    }
    const context = await scenario.context('proxy-only')
    await openPage(context, `${origin}/`)
    const output = await scenario.diagnosis(vite, NGINX_SUMMARY)
    expect(output).toContain(`from the page at http://${PROXY_HOST}:${port}`)
    await expectNginxBlocksAreSafe(output, [`${vite.host}:${vite.port}`])
    expect([...printedBlocks(output).values()].join('\n')).not.toContain('evil')
  })
})

describe('floods and answers with the served credentials, valid-looking values', () => {
  const ATTACKER = 'http://attacker.example'

  /** A socket report as a page on `origin` posts it, with the secret every page is served. */
  function forgedReport(origin: string, secret: string, socketUrl: string) {
    const body = JSON.stringify({
      pageOrigin: origin,
      sockets: [{ url: socketUrl, opened: false, closeCode: 1006, openedAfterMs: null, closedAfterMs: 3, error: null }],
    })
    return { body, headers: { 'content-type': 'application/json', 'x-hmr-doctor-secret': secret, origin } }
  }

  test('64 forged distinct findings, then a genuine nginx failure: printed; other pages learn nothing of it', async () => {
    const vite = await scenario.vite()
    const { origin, port } = await scenario.nginx({ upstream: `${vite.host}:${vite.port}` })
    const direct = `http://${vite.host}:${vite.port}`
    const { token, secret } = await credentials(vite)
    for (let index = 0; index < 64; index += 1) {
      const host = `h${index}.attacker.example:6666`
      await send(direct, `/?token=${token}`, flattened({ host, origin: ATTACKER }))
    }
    const context = await scenario.context('proxy-only')
    await openPage(context, `${origin}/`)
    const output = await scenario.diagnosis(vite, NGINX_SUMMARY)
    expect(output).toContain(`from the page at http://${PROXY_HOST}:${port}`)
    // Another page's report (the same proxy's address, its own Origin) is answered about itself only.
    const forged = forgedReport(ATTACKER, secret, 'ws://10.66.66.66:6666/')
    const answer = await fetch(`${direct}/${REPORT_PATH}`, { method: 'POST', ...forged })
    expect(answer.status).toBe(200)
    const text = await answer.text()
    expect(text).not.toContain(`${PROXY_HOST}:${port}`)
    expect(text).not.toContain(`${vite.host}:${vite.port}`)
    expect(text).not.toContain('nginx')
  })

  test('upstreams chosen with the token (an address, a public name) are described, never put into proxy_pass', async () => {
    const vite = await scenario.vite()
    const { token } = await credentials(vite)
    for (const [path, host] of [
      ['/', '10.66.66.66:6666'],
      ['/hmr', 'attacker-upstream.example:6666'],
    ] as const) {
      await sendRaw(
        vite.host,
        vite.port,
        `GET ${path}?token=${token} HTTP/1.0
Host: ${host}
Connection: close
Origin: ${ATTACKER}
Sec-WebSocket-Key: ${KEY}
Sec-WebSocket-Version: 13
Sec-WebSocket-Protocol: vite-hmr`,
      )
    }
    const output = await settledOutput(vite)
    expect(output).toContain(NGINX_SUMMARY)
    expect(output).toContain(
      'A request arrived with Host "attacker-upstream.example:6666" (from the request, not your config',
    )
    await expectNginxBlocksAreSafe(output, [`${vite.host}:${vite.port}`])
    for (const text of printedBlocks(output).values()) expect(text).not.toMatch(/10\.66\.66\.66|attacker|6666/)
  })

  test('a handshake with the token and a public name Vite refuses: described with the check to confirm, no allowedHosts', async () => {
    const vite = await scenario.vite()
    const { token } = await credentials(vite)
    const host = `rebind.attacker.example:${vite.port}`
    await send(`http://${vite.host}:${vite.port}`, `/?token=${token}`, upgrade({ host, origin: ATTACKER }))
    const output = await scenario.diagnosis(
      vite,
      `[hmr-doctor] Vite's host check refuses the HMR handshake's Host "rebind.attacker.example" with a silent 400.`,
    )
    expect(output).toContain('run npx hmr-doctor check <the URL you open the page at>')
    expect(printedBlocks(output).size).toBe(0)
    expect(output).not.toContain('allowedHosts: [')
  })

  test("a forged socket report's page origin (another host, port, scheme) is described, never put into server.ws", async () => {
    const vite = await scenario.vite()
    const { secret } = await credentials(vite)
    const forged = forgedReport('https://attacker.example:8443', secret, `ws://${vite.host}:${vite.port}/`)
    const answer = await fetch(`http://${vite.host}:${vite.port}/${REPORT_PATH}`, { method: 'POST', ...forged })
    expect(answer.status).toBe(200)
    const output = await scenario.diagnosis(vite, '[hmr-doctor] The browser dials the HMR socket at')
    expect(output).toContain('"attacker.example" comes from the page\'s report, not your config')
    expect(printedBlocks(output).size).toBe(0)
    expect(output).not.toMatch(/clientPort|protocol: 'wss'/)
  })

  test("a forged page report's prefix, with a proxy's marks: described with its source, never base or a route", async () => {
    const vite = await scenario.vite()
    const { secret } = await credentials(vite)
    const origin = 'http://dev-app.attacker.example'
    const headers = {
      'content-type': 'application/json',
      'x-hmr-doctor-secret': secret,
      origin,
      'X-Forwarded-Server': 'proxy.attacker.example',
    }
    const body = JSON.stringify({ pageUrl: `${origin}/evil-prefix/` })
    expect(await send(`http://${vite.host}:${vite.port}`, '/?__hmr_doctor=page', headers, body)).toBe(200)
    const output = await scenario.diagnosis(
      vite,
      `[hmr-doctor] Vite served the page at ${origin}/evil-prefix/, but Vite's client never ran in it: no HMR. A proxy (Apache, by the marks on the report) seems to strip /evil-prefix/ before Vite sees it.`,
    )
    expect(output).toContain('run npx hmr-doctor check <the URL you open the page at>')
    expect(printedBlocks(output).size).toBe(0)
    expect(output).not.toMatch(/base: '|ProxyPass|RewriteRule/)
  })

  test("a forged socket report from this machine's own address (another scheme, another port): described, no protocol or clientPort", async () => {
    const vite = await scenario.vite()
    const { secret } = await credentials(vite)
    const pageOrigin = `https://${vite.host}:8443`
    const forged = forgedReport(pageOrigin, secret, `ws://${vite.host}:${vite.port}/`)
    const answer = await fetch(`http://${vite.host}:${vite.port}/${REPORT_PATH}`, { method: 'POST', ...forged })
    expect(answer.status).toBe(200)
    const output = await scenario.diagnosis(vite, '[hmr-doctor] The browser dials the HMR socket at')
    expect(output).toContain(`Nothing to paste: ${pageOrigin} comes from the page's report, not your config`)
    expect(printedBlocks(output).size).toBe(0)
    expect(output).not.toMatch(/clientPort:|protocol: 'wss'/)
  })

  test('a real socket with the token, then forged idle closes: the loop is described, no pings start', async () => {
    const vite = await scenario.vite()
    const direct = `http://${vite.host}:${vite.port}`
    const { token, secret } = await credentials(vite)
    expect((await dialHmr(`${direct}/`, { origin: ATTACKER, token })).opened).toBe(true)
    // Closes from before Vite started would be its predecessor's: these are the moments just gone.
    const closes = [30, 20, 10].map((msAgo) => ({ msAgo, openForMs: 1000, idleMs: 1000, code: 1006 }))
    const headers = { 'content-type': 'application/json', 'x-hmr-doctor-secret': secret, origin: ATTACKER }
    const body = JSON.stringify({ pageOrigin: ATTACKER, sockets: [], closes })
    expect(await send(direct, REPORT_PATH, headers, body)).toBe(200)
    const output = await scenario.diagnosis(vite, '[hmr-doctor] The proxy closes the HMR socket after 1 s idle')
    expect(output).not.toContain('the doctor pings each HMR client')
  })

  test('junk POSTs from the address every proxied page shares, and stalled bodies: the real report is taken', async () => {
    const vite = await scenario.vite()
    const direct = `http://${vite.host}:${vite.port}`
    const { secret } = await credentials(vite)
    const junk = forgedReport(ATTACKER, secret, 'ws://rebind.attacker.example/evil-prefix/')
    const statuses = await Promise.all(Array.from({ length: 25 }, () => send(direct, REPORT_PATH, junk.headers, '{}')))
    expect(statuses).toContain(429)
    const stalls = Array.from({ length: 24 }, () => {
      const request = httpRequest(`${direct}/${REPORT_PATH}`, { method: 'POST', headers: junk.headers })
      request.on('error', () => {})
      request.write('{')
      return request
    })
    scenario.defer(async () => {
      for (const request of stalls) request.destroy()
    })
    const page = `http://${vite.host}:${vite.port}`
    const real = forgedReport(page, secret, `ws://${vite.host}:${vite.port}/`)
    expect(await send(direct, REPORT_PATH, real.headers, real.body)).toBe(200)
  })
})

test('a cross-site page that loads the client and dials the socket raises no alarm', async () => {
  const vite = await scenario.vite()
  const { origin: proxied } = await scenario.nginx({ upstream: `${vite.host}:${vite.port}`, http: WEBSOCKET_MAP })
  const direct = `http://${vite.host}:${vite.port}`
  const page = `<!doctype html><title>elsewhere</title>
<script type="module" src="${direct}/@vite/client"></script>
<script>
  for (const url of ['${direct.replace('http', 'ws')}/', '${proxied.replace('http', 'ws')}/', '${direct.replace('http', 'ws')}/?token=forged'])
    new WebSocket(url, 'vite-hmr')
</script>`
  const evilHost = '127.0.0.3'
  const evilPort = await freePort(evilHost)
  const evil = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page))
  await new Promise<void>((resolve) => evil.listen(evilPort, evilHost, resolve))
  scenario.defer(() => new Promise((resolve) => evil.close(resolve)))
  expect((evil.address() as AddressInfo).port).toBe(evilPort)

  const context = await scenario.context('direct')
  const watched = await openPage(context, `http://${evilHost}:${evilPort}/`)
  await waitFor('the cross-site page to have tried', () => watched.console.some((line) => line.includes('WebSocket')))
  await expectSilence(vite, watched)
})
