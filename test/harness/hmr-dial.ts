import { randomBytes } from 'node:crypto'
import { request } from 'node:http'
import type { Socket } from 'node:net'

export interface DialResult {
  /** The server switched protocols and Vite's first message arrived. */
  opened: boolean
  /** The status of a refused handshake, or null when nothing answered within the deadline. */
  status: number | null
  /** Vite's first message on an opened socket (`{"type":"connected"}`). */
  firstMessage: string | null
}

/** The first text frame a server sends (unmasked, as servers send): enough to read Vite's greeting. */
function readTextFrame(data: Buffer): string | null {
  if (data.length < 2 || (data[0] ?? 0) !== 0x81) return null
  let length = (data[1] ?? 0) & 0x7f
  let offset = 2
  if (length === 126) {
    if (data.length < 4) return null
    length = data.readUInt16BE(2)
    offset = 4
  }
  return data.length >= offset + length ? data.subarray(offset, offset + length).toString('utf8') : null
}

/**
 * Dials an HMR socket the way Vite's client does, from Node: the `vite-hmr` subprotocol, the page's Origin,
 * the token in the query. Resolves once Vite greets it, the handshake is refused, the upgraded socket
 * closes (as Vite closes its client's `vite-ping`), or the deadline passes.
 */
export function dialHmr(
  url: string,
  options: { origin: string; token: string; timeoutMs?: number; protocol?: 'vite-hmr' | 'vite-ping' },
): Promise<DialResult> {
  const target = new URL(url)
  target.searchParams.set('token', options.token)
  return new Promise((resolve) => {
    let socket: Socket | undefined
    const done = (result: DialResult): void => {
      clearTimeout(timer)
      socket?.destroy()
      req.destroy()
      resolve(result)
    }
    const timer = setTimeout(() => done({ opened: false, status: null, firstMessage: null }), options.timeoutMs ?? 5000)
    const req = request(target, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        origin: options.origin,
        'sec-websocket-key': randomBytes(16).toString('base64'),
        'sec-websocket-version': '13',
        'sec-websocket-protocol': options.protocol ?? 'vite-hmr',
      },
    })
    req.on('upgrade', (_response, upgraded, head) => {
      socket = upgraded
      let buffered = head
      const closed = () => done({ opened: false, status: 101, firstMessage: null })
      const check = (): void => {
        // A close frame first: Vite's answer to its client's ping.
        if (buffered[0] === 0x88) {
          closed()
          return
        }
        const message = readTextFrame(buffered)
        if (message !== null) done({ opened: true, status: 101, firstMessage: message })
      }
      upgraded.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk])
        check()
      })
      upgraded.on('error', closed)
      upgraded.on('close', closed)
      check()
    })
    req.on('response', (response) => {
      response.resume()
      done({ opened: false, status: response.statusCode ?? null, firstMessage: null })
    })
    req.on('error', () => done({ opened: false, status: null, firstMessage: null }))
    req.end()
  })
}
