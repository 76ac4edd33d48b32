import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

/**
 * A proxy's own config check (`apache2 -t`, `caddy validate`, `haproxy -c`) of a config written into a
 * fresh temp dir: its output, or the error it fails with (a check that fails exits non-zero).
 */
export async function checkConfig(options: {
  command: string
  file: string
  /** The config's text; it may name files in `dir`. */
  text: (dir: string) => string
  args: (file: string) => string[]
  env?: (dir: string) => Record<string, string>
}): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'hmr-doctor-check-'))
  try {
    const file = join(dir, options.file)
    writeFileSync(file, options.text(dir))
    const env = { ...process.env, ...options.env?.(dir) }
    const { stdout, stderr } = await promisify(execFile)(options.command, options.args(file), { env })
    return stdout + stderr
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
