import type { HopAnswer, SeenSocket } from '../shared/protocol.js'
import { REPORT_QUERY, SECRET_HEADER } from '../shared/protocol.js'
import { toReported } from './close-history.js'
import { toReportedSocket } from './reported-socket.js'
import type { Watched } from './watch.js'

/**
 * Posts what the page saw to the client's own URL (the route that brought the client carries the report).
 * `keepalive` lets it finish after the page is gone: Vite's client reloads the page right after a close.
 * `server` is the `Server` header the page's route announced, where the page could read it.
 */
export function sendReport(
  watched: Watched,
  hops?: ReadonlyMap<SeenSocket, HopAnswer>,
  server?: string | null,
): Promise<Response> {
  const { config } = watched
  watched.sent = true
  const endpoint = new URL(`?${REPORT_QUERY}`, config.clientUrl)
  return fetch(endpoint, {
    method: 'POST',
    keepalive: true,
    headers: { 'content-type': 'application/json', [SECRET_HEADER]: config.secret },
    body: JSON.stringify({
      pageOrigin: location.origin,
      clientOrigin: endpoint.origin,
      sockets: watched.sockets.map((socket) => toReportedSocket(socket, hops?.get(socket))),
      closes: toReported(watched.history, Date.now(), config.serverId),
      ...(watched.refusals.length > 0 && { refusals: watched.refusals }),
      ...(server && { server }),
    }),
  })
}
