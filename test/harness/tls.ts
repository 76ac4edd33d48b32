import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface Certificate {
  certFile: string
  keyFile: string
  remove(): void
}

/** A throwaway self-signed certificate for `hostname`, made with openssl, valid for a day. */
export function selfSignedCertificate(hostname: string): Certificate {
  const dir = mkdtempSync(join(tmpdir(), 'hmr-doctor-tls-'))
  const certFile = join(dir, 'cert.pem')
  const keyFile = join(dir, 'key.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${hostname}`,
      '-addext',
      `subjectAltName=DNS:${hostname}`,
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  )
  return { certFile, keyFile, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
