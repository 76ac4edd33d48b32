// Whole terminal escape sequences first (CSI such as colours and cursor moves, OSC such as titles and
// links), so their parameters don't survive as text once the ESC is gone.
const ESCAPE_SEQUENCE =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u009b[0-?]*[ -/]*[@-~]/g
// Then anything a reader can't see or that moves what they see: controls (C0, C1, DEL), format characters
// (bidi marks and overrides: Trojan Source; zero-width joiners and spaces), line and paragraph separators,
// every default-ignorable code point (variation selectors, tags, soft hyphens) and lone surrogates.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Default_Ignorable_Code_Point}]/gu
// Runs of any kind of space become one: padding can't push forged text onto a row of its own.
const SPACE_RUN = /[\p{White_Space}]+/gu

/** Makes an untrusted string safe to print: escapes and invisibles removed, spaces folded, length capped. */
export function cleanText(value: string, maxLength = 200): string {
  const cleaned = value.replace(ESCAPE_SEQUENCE, '').replace(UNPRINTABLE, '').replace(SPACE_RUN, ' ')
  if (cleaned.length <= maxLength) return cleaned
  // By code point, so a cut never leaves half a surrogate pair.
  return `${Array.from(cleaned)
    .slice(0, maxLength - 1)
    .join('')}…`
}
