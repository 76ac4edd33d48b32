/**
 * Pastes the nginx blocks a doctor message printed into a `conf.d` file (whose top level is already
 * inside `http {}`), the way its instructions say: the `http {}` block first, the `server {}` block at the
 * top of the server, before its existing locations.
 */
export function pasteNginxFix(conf: string, blocks: ReadonlyMap<string, string>): string {
  const httpBlock = blocks.get('nginx, inside http {}')
  const serverBlock = blocks.get('nginx, inside the server {} that proxies Vite')
  if (httpBlock === undefined || serverBlock === undefined) {
    throw new Error(`the diagnosis printed no nginx fix; it printed: ${[...blocks.keys()].join(', ') || 'nothing'}`)
  }
  const lines = conf.split('\n')
  const firstLocation = lines.findIndex((line) => /^\s+location\s/.test(line))
  if (firstLocation === -1) throw new Error('no location inside the server {} to paste before')
  const indent = /^(\s*)/.exec(lines[firstLocation] ?? '')?.[1] ?? '    '
  const pasted = serverBlock.split('\n').map((line) => (line ? indent + line : line))
  lines.splice(firstLocation, 0, ...pasted, '')
  const comments = lines.findIndex((line) => !line.startsWith('#'))
  lines.splice(comments, 0, ...httpBlock.split('\n'), '')
  return lines.join('\n')
}

/**
 * Pastes printed directives into a block's body "replacing any" of the same name, as the doctor's
 * instructions say: an nginx block may not repeat `proxy_read_timeout`, an Apache `ProxyPass` for the same
 * path would be a second rule. Names compare exactly (`ProxyPassReverse` is not `ProxyPass`).
 */
export function pasteReplacingDirectives(body: string, printed: string): string {
  const name = (line: string) => /^\s*([A-Za-z_]+)\s/.exec(line)?.[1]
  const replaced = new Set(printed.split('\n').map(name))
  const kept = body.split('\n').filter((line) => !replaced.has(name(line)))
  return [...kept, ...printed.split('\n')].join('\n')
}

/** A directive's identity for "replacing any line that sets the same": its name, and the header it sets. */
function setting(line: string): string | null {
  const words = line.trim().split(/\s+/)
  if (!words[0] || words[0].startsWith('#')) return null
  return words[0] === 'proxy_set_header' ? `${words[0]} ${(words[1] ?? '').toLowerCase()}` : words[0]
}

/**
 * Pastes printed directives "in every location {} that proxies Vite, replacing any line there that sets the
 * same": at the end of each `location` body holding a `proxy_pass`. Throws when there is none, so a wrong
 * "where" fails the test.
 */
export function pasteInEveryProxyLocation(conf: string, printed: string): string {
  const replaced = new Set(printed.split('\n').map(setting))
  const lines = conf.split('\n')
  const out: string[] = []
  let pasted = 0
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? ''
    out.push(line)
    if (!/^\s*location\b.*\{\s*$/.test(line)) continue
    const end = lines.findIndex((text, at) => at > index && /^\s*\}\s*$/.test(text))
    const body = lines.slice(index + 1, end)
    if (!body.some((text) => /^\s*proxy_pass\s/.test(text))) continue
    const indent = /^\s*/.exec(body[0] ?? '')?.[0] ?? '    '
    out.push(
      ...body.filter((text) => !replaced.has(setting(text))),
      ...printed.split('\n').map((text) => indent + text),
    )
    index = end - 1
    pasted += 1
  }
  if (pasted === 0) throw new Error(`no location {} with a proxy_pass in:\n${conf}`)
  return out.join('\n')
}

/** The heading of the doctor's lines for every location that proxies Vite (its upstream-name Host fix). */
export const EVERY_LOCATION =
  'nginx, in every location {} that proxies Vite, replacing any line there that sets the same'

/**
 * Pastes the doctor's fix for an nginx that names Vite by its upstream: the `http {}` block, when printed,
 * above the server (after the leading comments), and the location lines into every proxying location.
 */
export function pasteNginxHostFix(conf: string, blocks: ReadonlyMap<string, string>): string {
  const locationBlock = blocks.get(EVERY_LOCATION)
  if (locationBlock === undefined) {
    throw new Error(
      `the diagnosis printed no "${EVERY_LOCATION}"; it printed: ${[...blocks.keys()].join(', ') || 'nothing'}`,
    )
  }
  const lines = pasteInEveryProxyLocation(conf, locationBlock).split('\n')
  const httpBlock = blocks.get('nginx, inside http {}')
  if (httpBlock !== undefined)
    lines.splice(
      lines.findIndex((line) => !line.startsWith('#')),
      0,
      ...httpBlock.split('\n'),
      '',
    )
  return lines.join('\n')
}
