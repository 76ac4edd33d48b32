import http from 'node:http'
import https from 'node:https'
import { networkError } from './check-error.js'

/** Enough of a body to find Vite's client in a page, and to tell Vite's answers from a proxy's. */
export const MAX_BODY = 512 * 1024

export interface HttpAnswer {
  status: number
  /** Header values by lowercase name (the last one of a repeated header). */
  headers: Record<string, string>
  /** Header names as sent: some proxies (HAProxy) lowercase every name, which says who answered. */
  rawNames: string[]
  body: string
}

export interface RequestOptions {
  insecure: boolean
  /** The whole answer's time, headers and body: a server that trickles either is cut off there. */
  timeoutMs: number
  headers?: Record<string, string>
}

/** The transport for a URL, with certificate checks off only when asked (`--insecure`). */
export function transportFor(url: URL, insecure: boolean) {
  return url.protocol === 'https:' || url.protocol === 'wss:'
    ? { request: https.request, tls: { rejectUnauthorized: !insecure } }
    : { request: http.request, tls: {} }
}

function timedOut(): Error {
  return Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })
}

/**
 * A plain GET without following redirects; network failures become a one-line CheckError. The body is read
 * up to MAX_BODY, then the connection is cut: an endless body costs no more than that.
 */
export function httpGet(url: URL, options: RequestOptions): Promise<HttpAnswer> {
  const { request, tls } = transportFor(url, options.insecure)
  return new Promise((resolve, reject) => {
    let settled = false
    const req = request(url, { ...tls, headers: { ...options.headers } }, (res) => {
      const chunks: Buffer[] = []
      let size = 0
      const done = () => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        const headers: Record<string, string> = {}
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? (value.at(-1) ?? '') : value
        }
        resolve({
          status: res.statusCode ?? 0,
          headers,
          rawNames: res.rawHeaders.filter((_, index) => index % 2 === 0),
          body: Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8'),
        })
      }
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk)
        size += chunk.length
        if (size < MAX_BODY) return
        done()
        req.destroy()
      })
      res.on('error', (error) => fail(error))
      res.on('end', done)
    })
    const fail = (error: unknown) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      reject(networkError(error, url))
    }
    const timer = setTimeout(
      () => {
        fail(timedOut())
        req.destroy()
      },
      Math.max(1, options.timeoutMs),
    )
    req.on('error', fail)
    req.end()
  })
}
