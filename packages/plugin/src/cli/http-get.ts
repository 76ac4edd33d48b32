import http from 'node:http'
import https from 'node:https'
import { networkError } from './check-error.js'

/** Enough of a body to find Vite's client in a page, and to tell Vite's answers from a proxy's. */
const MAX_BODY = 512 * 1024

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
  timeoutMs: number
  headers?: Record<string, string>
}

/** The transport for a URL, with certificate checks off only when asked (`--insecure`). */
export function transportFor(url: URL, insecure: boolean) {
  return url.protocol === 'https:' || url.protocol === 'wss:'
    ? { request: https.request, tls: { rejectUnauthorized: !insecure } }
    : { request: http.request, tls: {} }
}

/** A plain GET without following redirects; network failures become a one-line CheckError. */
export function httpGet(url: URL, options: RequestOptions): Promise<HttpAnswer> {
  const { request, tls } = transportFor(url, options.insecure)
  return new Promise((resolve, reject) => {
    const req = request(url, { ...tls, headers: { ...options.headers }, timeout: options.timeoutMs }, (res) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        if (size >= MAX_BODY) return
        chunks.push(chunk)
        size += chunk.length
      })
      res.on('error', (error) => reject(networkError(error, url)))
      res.on('end', () => {
        const headers: Record<string, string> = {}
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? (value.at(-1) ?? '') : value
        }
        resolve({
          status: res.statusCode ?? 0,
          headers,
          rawNames: res.rawHeaders.filter((_, index) => index % 2 === 0),
          body: Buffer.concat(chunks).toString('utf8').slice(0, MAX_BODY),
        })
      })
    })
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })))
    req.on('error', (error) => reject(networkError(error, url)))
    req.end()
  })
}
