// C0/C1 controls, DEL, line/paragraph separators and bidi overrides: anything that could move a terminal
// cursor, recolour output or reorder what a reader sees (Trojan Source).
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/** Makes an untrusted string safe to print: unprintables removed, length capped. */
export function cleanText(value: string, maxLength = 200): string {
  const cleaned = value.replace(UNPRINTABLE, '')
  return cleaned.length > maxLength ? `${cleaned.slice(0, maxLength - 1)}…` : cleaned
}

/** Removes Vite's WebSocket token from a URL or path so it never reaches a log. */
export function redactToken(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/g, '$1…')
}
