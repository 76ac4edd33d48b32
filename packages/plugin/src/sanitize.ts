// Whole terminal escape sequences first (CSI such as colours and cursor moves, OSC such as titles and
// links), so their parameters don't survive as text once the ESC is gone.
const ESCAPE_SEQUENCE =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u009b[0-?]*[ -/]*[@-~]/g
// Then any other C0/C1 control, DEL, line/paragraph separators and bidi marks: anything that could move
// a terminal cursor or reorder what a reader sees (Trojan Source).
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/** Makes an untrusted string safe to print: escapes and unprintables removed, length capped. */
export function cleanText(value: string, maxLength = 200): string {
  const cleaned = value.replace(ESCAPE_SEQUENCE, '').replace(UNPRINTABLE, '')
  if (cleaned.length <= maxLength) return cleaned
  // By code point, so a cut never leaves half a surrogate pair.
  return `${Array.from(cleaned)
    .slice(0, maxLength - 1)
    .join('')}…`
}

/** Removes Vite's WebSocket token from a URL or path so it never reaches a log. */
export function redactToken(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/g, '$1…')
}
