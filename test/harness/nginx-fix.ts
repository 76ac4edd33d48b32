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
