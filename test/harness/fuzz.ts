import { type Agent, request as httpRequest } from 'node:http'

/** A small seeded generator (mulberry32): the same seed makes the same requests, so a failure replays. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Strings an attacker would try: quotes and code, escapes, invisibles, huge, empty, look-alike names. */
const HOSTILE = [
  "x'+import('fs')+'y",
  'evil.test',
  'attacker-upstream.evil.test:6666',
  '\u001b[31mred\u001b[0m',
  '\u001b]8;;http://evil\u0007link',
  'a\u202eb\u200bc\u2066d',
  '\ud800lone',
  'a    \u3000\u00a0     b',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template placeholder is the attack itself.
  '${process.exit()}',
  '`rm -rf /`',
  '"; proxy_pass http://evil; #',
  '[::1]:5173',
  '127.0.0.1:5173',
  'localhost',
  '',
  '0'.repeat(300),
  'é.test',
  '\\\\',
  '\u009b2J\u0085x',
]

/** Where the snippet posts its reports: the client's own URL. */
export const REPORT_PATH = '/@vite/client?__hmr_doctor=report'

export interface FuzzRequest {
  method: string
  path: string
  headers: Record<string, string>
  body?: string
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T
}

/**
 * What a header can carry at all: HTAB, printable ASCII and Latin-1 bytes (Node refuses anything else on
 * either side). C1 controls such as the one-byte CSI (0x9b) are Latin-1, so they still get through.
 */
function headerSafe(value: string): string {
  return value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '\u009b')
}

function junkJson(random: () => number, secretOrigin: string): string {
  const value = (): unknown =>
    pick(random, [null, true, -1, 1e308, 0, 4999, 1006, pick(random, HOSTILE), [], {}, 'ws://localhost:1/'])
  // Each field is usually well-formed, sometimes hostile: a report refused whole reaches nothing.
  const often = <T>(good: T, ...bad: unknown[]): unknown => (random() < 0.85 ? good : pick(random, [...bad, value()]))
  const socketRecord = () => ({
    url: often(
      `ws://${pick(random, ['localhost:1', 'x.test', "x'+y.test", 'evil.test:6666'])}/?token=x`,
      pick(random, HOSTILE),
    ),
    opened: often(false, true),
    closeCode: often(1006, null),
    openedAfterMs: often(null, 5),
    closedAfterMs: often(3, null),
    error: often(null, pick(random, HOSTILE)),
  })
  const closeRecord = () => ({ msAgo: often(1000), openForMs: often(3000), idleMs: often(2000), code: often(1006) })
  const report = {
    pageOrigin: random() < 0.8 ? secretOrigin : pick(random, [`http://${pick(random, HOSTILE)}`, value()]),
    clientOrigin: pick(random, [undefined, secretOrigin, `http://${pick(random, HOSTILE)}`, value()]),
    sockets: Array.from({ length: Math.floor(random() * 3) }, socketRecord),
    closes: Array.from({ length: Math.floor(random() * 3) }, closeRecord),
  }
  if (random() < 0.7) return JSON.stringify(report)
  return pick(random, [JSON.stringify(value()), '{', 'x'.repeat(5000), ''])
}

/**
 * One hostile request at a dev server with the doctor: at pages, the client, the report endpoint (with and
 * without the secret), shaped as handshakes, flattened handshakes, page loads and reports.
 */
export function fuzzRequest(random: () => number, credentials: { secret: string; token: string }): FuzzRequest {
  const origin = 'http://127.0.0.1:1'
  const path = pick(random, [
    '/',
    `/?token=${credentials.token}`,
    '/?token=forged',
    '/@vite/client',
    REPORT_PATH,
    '/index.html',
    `/${encodeURIComponent(pick(random, HOSTILE).replace(/[\ud800-\udfff]/g, '\ufffd'))}`,
  ])
  const headers: Record<string, string> = {}
  const maybe = (name: string, values: readonly string[]) => {
    if (random() < 0.5) headers[name] = headerSafe(pick(random, values))
  }
  maybe(
    'host',
    HOSTILE.filter((value) => value !== ''),
  )
  maybe('origin', [origin, ...HOSTILE.map((value) => `http://${value}`)])
  maybe('sec-websocket-key', ['dGhlIHNhbXBsZSBub25jZQ==', ...HOSTILE])
  maybe('sec-websocket-protocol', ['vite-hmr', 'vite-ping', ...HOSTILE])
  maybe('connection', ['close', 'keep-alive', ...HOSTILE])
  maybe('sec-fetch-dest', ['document', 'script', ...HOSTILE])
  maybe('sec-fetch-site', ['same-origin', 'cross-site', ...HOSTILE])
  maybe('user-agent', ['Mozilla/5.0', ...HOSTILE])
  maybe('accept', ['text/html', '*/*', ...HOSTILE])
  maybe('referer', [`${origin}/`, ...HOSTILE.map((value) => `http://${value}/`)])
  maybe('x-forwarded-host', HOSTILE)
  maybe('content-type', ['application/json', 'application/jsonPWN', 'text/plain', 'application/json; charset=utf-8'])
  maybe('x-hmr-doctor-secret', [credentials.secret, 'forged', ''])
  if (random() < 0.3) {
    // Mostly well-formed reports with the secret, so the hostile values reach the diagnosis and the printer.
    headers['content-type'] = 'application/json'
    headers['x-hmr-doctor-secret'] = random() < 0.9 ? credentials.secret : 'forged'
    headers.origin = origin
    return { method: 'POST', path: REPORT_PATH, headers, body: junkJson(random, origin) }
  }
  const post = random() < 0.3
  return {
    method: post ? 'POST' : pick(random, ['GET', 'GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']),
    path,
    headers,
    ...(post ? { body: junkJson(random, origin) } : {}),
  }
}

/** Sends one request; resolves with its status, or 0 when the server never answered within the deadline. */
export function sendFuzz(target: { host: string; port: number }, agent: Agent, fuzz: FuzzRequest): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest({ ...target, agent, method: fuzz.method, path: fuzz.path, headers: fuzz.headers })
    req.setTimeout(5000, () => req.destroy())
    req.on('response', (response) => {
      response.resume()
      response.on('end', () => resolve(response.statusCode ?? 0))
      response.on('error', () => resolve(response.statusCode ?? 0))
    })
    req.on('error', () => resolve(0))
    req.end(fuzz.body)
  })
}
