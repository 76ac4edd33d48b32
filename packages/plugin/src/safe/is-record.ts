/** An object with named fields (not null, not an array): the only shape untrusted JSON or config is read as. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
