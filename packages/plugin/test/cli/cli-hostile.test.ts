import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer as createVite } from 'vite'
import { afterEach, describe, expect, test } from 'vitest'
import { WebSocketServer } from 'ws'
import { runCheck } from '../../src/cli/check.js'
import { CheckError } from '../../src/cli/check-error.js'
import { httpGet, MAX_BODY } from '../../src/cli/http-get.js'
import type { CheckOptions } from '../../src/cli/observe.js'
import { exitCodeOf } from '../../src/cli/output.js'

/** The run's own bound, as the issue states it: `--timeout` plus a second. */
const TIMEOUT_MS = 2000
const BOUND_MS = TIMEOUT_MS + 1000

const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()))
})

/** A server on 127.0.0.1 and a free port, closed (every connection cut) after the test. */
async function serve(handler: http.RequestListener): Promise<{ origin: string; server: http.Server }> {
  const server = http.createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('not listening on a port')
  return { origin: `http://127.0.0.1:${address.port}`, server }
}

const PAGE = '<!doctype html><script type="module" src="/@vite/client"></script>'

/** Vite 8's served client, its socket path replaced by `path`. */
function client(path = '/'): string {
  const source = readFileSync(new URL('./served-clients/vite8.4.0-default.txt', import.meta.url), 'utf8')
  return source.replace(/\$\{"\/"\}`;/, () => `\${${JSON.stringify(path)}}\`;`)
}

function options(url: string, timeoutMs = TIMEOUT_MS): CheckOptions {
  return { url: new URL(url), origin: null, client: null, insecure: false, timeoutMs, idleMs: 0 }
}

/** The run, and whether it ended within the bound: the one requirement on time. */
async function timedCheck(url: string) {
  const started = performance.now()
  const outcome = await runCheck(options(url), null, null).then(
    (result) => ({ result, error: null }),
    (error: unknown) => ({ result: null, error }),
  )
  return { ...outcome, withinBound: performance.now() - started < BOUND_MS }
}

/** Writes a byte every few milliseconds until the connection goes. */
function trickle(res: http.ServerResponse): void {
  const timer = setInterval(() => res.write('x'), 20)
  res.on('close', () => clearInterval(timer))
}

describe('--timeout bounds the whole run', () => {
  test('a page whose headers never come: the run ends with the timeout error', async () => {
    const { origin } = await serve(() => {})
    const run = await timedCheck(`${origin}/`)
    expect(run.error).toBeInstanceOf(CheckError)
    expect(String(run.error)).toMatch(/no answer from 127\.0\.0\.1:\d+ in time \(--timeout\)/)
    expect(run.withinBound).toBe(true)
  })

  test('a page whose body trickles forever: the run ends with the timeout error', async () => {
    const { origin } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' })
      trickle(res)
    })
    const run = await timedCheck(`${origin}/`)
    expect(String(run.error)).toMatch(/in time \(--timeout\)/)
    expect(run.withinBound).toBe(true)
  })

  test('a page, then a client whose body trickles forever: the whole run still ends at the timeout', async () => {
    const { origin } = await serve((req, res) => {
      if (req.url === '/') res.end(PAGE)
      else {
        res.writeHead(200, { 'content-type': 'text/javascript' })
        trickle(res)
      }
    })
    const run = await timedCheck(`${origin}/`)
    expect(String(run.error)).toMatch(/in time \(--timeout\)/)
    expect(run.withinBound).toBe(true)
  })

  test('an endless body is read up to its cap, then cut', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'a')
    const { origin } = await serve((_req, res) => {
      res.writeHead(200)
      const pump = () => {
        while (res.write(chunk)) {}
      }
      res.on('drain', pump)
      pump()
    })
    const answer = await httpGet(new URL(`${origin}/`), { insecure: false, timeoutMs: 60_000 })
    expect(answer.body.length).toBe(MAX_BODY)
  })
})

test('a 512 KB page built to make a script-tag regex backtrack is read in one pass', async () => {
  const hostile = '<script src="'.repeat(Math.floor(MAX_BODY / 13))
  const { origin } = await serve((_req, res) => res.end(hostile))
  const run = await timedCheck(`${origin}/`)
  expect(String(run.error)).toMatch(/no Vite client/)
  expect(run.withinBound).toBe(true)
})

test('a greeting that inflates far past one short frame is not read', async () => {
  const sockets = new WebSocketServer({ noServer: true, perMessageDeflate: { threshold: 0 } })
  const { origin, server } = await serve((req, res) => res.end(req.url === '/' ? PAGE : client()))
  server.on('upgrade', (req, socket, head) => {
    sockets.handleUpgrade(req, socket, head, (ws) => ws.send(Buffer.alloc(48 * 1024 * 1024), { compress: true }))
  })
  closers.push(() => new Promise((resolve) => sockets.close(() => resolve())))
  const run = await timedCheck(`${origin}/`)
  expect(run.error).toBeNull()
  expect(run.result?.hops.find((hop) => hop.step === 'socket')?.result).not.toBe('opened')
})

test('a `#` in the client’s HMR path is dialled as the browser dials it: no crash', async () => {
  const paths: string[] = []
  const { origin, server } = await serve((req, res) => res.end(req.url === '/' ? PAGE : client('/hmr#frag')))
  server.on('upgrade', (req, socket) => {
    paths.push(req.url ?? '')
    socket.destroy()
  })
  const run = await timedCheck(`${origin}/`)
  expect(run.error).toBeNull()
  // The browser drops the fragment, and the token Vite's client appends after it.
  expect(paths).toEqual(['/hmr'])
})

describe('a refused page is never "HMR works"', () => {
  test('a 403 that is not Vite’s: a finding, exit 1', async () => {
    const { origin } = await serve((_req, res) => {
      res.writeHead(403, { server: 'gatekeeper' })
      res.end('Forbidden')
    })
    const run = await timedCheck(`${origin}/`)
    expect(run.result?.findings.map((finding) => finding.cause)).toEqual(['page-refused'])
    expect(run.result && exitCodeOf(run.result)).toBe(1)
  })

  test('Vite refusing a Docker-style name with `_` (Host: web_app:5173): the host-check finding, exit 1', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hmr-doctor-web_app-'))
    writeFileSync(join(root, 'index.html'), '<!doctype html><p>fixture</p>\n')
    const vite = await createVite({
      configFile: false,
      root,
      logLevel: 'silent',
      server: { port: 0, host: '127.0.0.1' },
    })
    await vite.listen()
    closers.push(async () => {
      await vite.close()
      rmSync(root, { recursive: true, force: true })
    })
    const address = vite.httpServer?.address()
    if (!address || typeof address === 'string') throw new Error('Vite is not listening on a port')
    // A proxy that forwards the service name Docker Compose gives Vite, as `proxy_set_header Host web_app:5173` does.
    const { origin } = await serve((req, res) => {
      const upstream = http.request(
        { host: '127.0.0.1', port: address.port, path: req.url, headers: { ...req.headers, host: 'web_app:5173' } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        },
      )
      req.pipe(upstream)
    })
    const run = await timedCheck(`${origin}/`)
    expect(run.result?.findings.map((finding) => [finding.cause, finding.summary])).toEqual([
      [
        'host-rejected',
        'Vite\'s host check refuses "web_app": every page through the proxy gets 403, and Vite logs nothing.',
      ],
    ])
    expect(run.result && exitCodeOf(run.result)).toBe(1)
  })
})
