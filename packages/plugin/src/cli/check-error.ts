/** Why a check could not be made (exit code 2): one line for the user, never a stack trace. */
export class CheckError extends Error {
  override name = 'CheckError'
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

/** A network failure as one line that says where and what, and what to try when there is something to try. */
export function networkError(error: unknown, url: URL): CheckError {
  const code = (error as { code?: unknown } | null)?.code
  const where = url.host
  if (code === 'ECONNREFUSED') return new CheckError(`nothing is listening at ${where} (connection refused)`)
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new CheckError(`${url.hostname} does not resolve`)
  if (code === 'ETIMEDOUT') return new CheckError(`no answer from ${where} in time (--timeout)`)
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new CheckError(`${where} is unreachable`)
  if (typeof code === 'string' && TLS_CODES.has(code)) {
    return new CheckError(`the TLS certificate of ${where} is not trusted (${code}); --insecure checks it anyway`)
  }
  if (code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER') {
    return new CheckError(`${where} does not speak ${url.protocol === 'https:' ? 'TLS' : 'plain HTTP'} (${code})`)
  }
  const message = error instanceof Error ? error.message : String(error)
  return new CheckError(`${where}: ${message}`)
}
