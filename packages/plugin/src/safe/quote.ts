/**
 * Printed values are data in their language's quoting, whatever checks they passed before: a value can
 * never end a string, start a comment or add a directive.
 */

/** A single-quoted JavaScript string literal (Vite configs' style); anything beyond printable ASCII escaped. */
export function jsString(value: string): string {
  let literal = "'"
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0
    if (char === "'" || char === '\\') literal += `\\${char}`
    else if (code >= 0x20 && code < 0x7f) literal += char
    else if (code > 0xffff) literal += `\\u{${code.toString(16)}}`
    else literal += `\\u${code.toString(16).padStart(4, '0')}`
  }
  return `${literal}'`
}

/**
 * A path as an nginx or Apache argument: bare when it holds no character either syntax treats specially,
 * double-quoted when only its punctuation needs it, null when no quoting makes it safe (quotes,
 * backslashes, `$` variables, controls).
 */
export function configPathArgument(path: string): string | null {
  if (/^\/[A-Za-z0-9._~/@:%+-]*$/.test(path)) return path
  if (/^\/[\x21\x23\x25-\x5b\x5d-\x7e]*$/.test(path)) return `"${path}"`
  return null
}
