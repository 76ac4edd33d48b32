import { Agent } from 'node:http'
import { stripVTControlCharacters } from 'node:util'
import { expect, test } from 'vitest'
import { silenceWindowMs } from '../../packages/plugin/src/shared/timing.js'
import {
  fuzzRequest,
  printedBlocks,
  REPORT_PATH,
  seededRandom,
  sendFuzz,
  viteBlocksWithCode,
} from '../harness/index.js'
import { useScenario } from '../harness/scenario.js'

/** CI sends this many; `npm run bench:fuzz` sets HMR_DOCTOR_FUZZ=100000 and reads the summary line. */
const REQUESTS = Number(process.env.HMR_DOCTOR_FUZZ ?? 10_000)
const CONCURRENCY = 16
/** A bound on the run, not on its speed: the e2e pass runs this beside another file on two cores. */
const RUN_BOUND_MS = Math.max(60_000, REQUESTS * 20)

const scenario = useScenario()

test(
  `${REQUESTS} hostile requests: no crash, bad input refused with a 4xx, nothing unsafe printed`,
  async () => {
    const vite = await scenario.vite()
    const target = { host: vite.host, port: vite.port }
    const client = await (await fetch(`http://${vite.host}:${vite.port}/@vite/client`)).text()
    const credentials = {
      secret: /"secret":"([^"]+)"/.exec(client)?.[1] ?? '',
      token: /const wsToken = "([^"]+)"/.exec(client)?.[1] ?? '',
    }
    expect(credentials.secret).not.toBe('')
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY })
    scenario.defer(async () => agent.destroy())
    const random = seededRandom(20_261_128)
    const statuses = new Map<number, number>()
    const endpointAnswers = new Map<number, number>()
    const rssBefore = process.memoryUsage().rss
    const started = Date.now()

    // A Host that came with the valid token is vouched for (anyone who can read the client has the token):
    // it may be named as an upstream. Any other Host may not.
    const vouchedHosts = new Set<string>()
    let sent = 0
    const worker = async (): Promise<void> => {
      while (sent < REQUESTS) {
        sent += 1
        const fuzz = fuzzRequest(random, credentials)
        if (fuzz.path.includes(credentials.token) && fuzz.headers.host) vouchedHosts.add(fuzz.headers.host)
        const status = await sendFuzz(target, agent, fuzz)
        statuses.set(status, (statuses.get(status) ?? 0) + 1)
        if (fuzz.path === REPORT_PATH && fuzz.method === 'POST') {
          endpointAnswers.set(status, (endpointAnswers.get(status) ?? 0) + 1)
        }
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
    const seconds = (Date.now() - started) / 1000
    await new Promise((resolve) => setTimeout(resolve, silenceWindowMs()))
    const rssAfter = process.memoryUsage().rss

    const summary = {
      requests: REQUESTS,
      seconds: Number(seconds.toFixed(1)),
      statuses: Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
      reportEndpoint: Object.fromEntries([...endpointAnswers].sort(([a], [b]) => a - b)),
      rssMiB: { before: Math.round(rssBefore / 2 ** 20), after: Math.round(rssAfter / 2 ** 20) },
    }
    console.log(`[fuzz] ${JSON.stringify(summary)}`)

    // The server still serves, so nothing crashed it.
    expect((await fetch(`http://${vite.host}:${vite.port}/`)).status).toBe(200)
    // Nothing hung: every request got an answer.
    expect(statuses.get(0) ?? 0).toBe(0)
    // The endpoint answers what it can't use with a 4xx, never a 5xx.
    expect([...endpointAnswers.keys()].filter((status) => status >= 500)).toEqual([])
    const output = vite.logger.text()
    // Nothing printed carries a control character but line breaks (colours were stripped by the harness).
    expect(stripVTControlCharacters(output)).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b\u202e]/)
    expect(viteBlocksWithCode(output)).toEqual([])
    for (const text of printedBlocks(output).values()) {
      for (const [, upstream] of text.matchAll(/proxy_pass http:\/\/([^;]+);/g)) {
        expect([`${vite.host}:${vite.port}`, ...vouchedHosts]).toContain(upstream)
      }
      expect(text).not.toMatch(/import\(|\$\{|`|\u009b/)
    }
  },
  RUN_BOUND_MS,
)
