import { DOCTOR_MODULE } from '../shared/protocol.js'

/** As long as the report accepts. */
const MAX_SERVER_LENGTH = 200

/**
 * The `Server` header on the route that serves the doctor beside Vite's client: a proxy names itself there
 * even when its marks on the requests are gone. Same origin only: another origin's headers are unreadable,
 * and asking could cost the console a CORS error.
 */
export async function routeServer(clientUrl: string): Promise<string | null> {
  const url = new URL(DOCTOR_MODULE, clientUrl)
  if (url.origin !== location.origin) return null
  try {
    const response = await fetch(url, { method: 'HEAD', cache: 'no-store', credentials: 'omit' })
    return response.headers.get('server')?.slice(0, MAX_SERVER_LENGTH) ?? null
  } catch {
    return null
  }
}
