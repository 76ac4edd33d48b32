/**
 * The README's pictures, from a real run: the playground behind nginx with docker/nginx/broken.conf, opened
 * in headless Chromium that reaches only nginx (as from Docker or another machine). Writes
 * pictures/notice.png, the page with the doctor's notice, and pictures/terminal.png, the diagnosis exactly
 * as Vite printed it, colours included. `npm run pictures` at the workspace root installs what it needs first.
 */
import './force-color.ts'
import { mkdirSync } from 'node:fs'
import { stripVTControlCharacters } from 'node:util'
import { launchBrowser, PROXY_HOST } from './kit/index.ts'
import { done, openBrokenPage, runStory, serveBehindBrokenNginx, step, teeLogger } from './story.ts'

const pictures = new URL('./pictures/', import.meta.url)
const PREFIX = '[hmr-doctor]'

interface Style {
  bold: boolean
  dim: boolean
  italic: boolean
  underline: boolean
  fg?: string
  bg?: string
}

const PLAIN: Style = { bold: false, dim: false, italic: false, underline: false }

// GitHub's dark palette, so the picture sits well in the README it is shown in.
const COLORS = ['#484f58', '#ff7b72', '#3fb950', '#d29922', '#58a6ff', '#bc8cff', '#39c5cf', '#b1bac4']
const BRIGHT = ['#6e7681', '#ffa198', '#56d364', '#e3b341', '#79c0ff', '#d2a8ff', '#56d4dd', '#ffffff']

/** The style after one SGR sequence (`ESC [ params m`), for the codes picocolors and Vite emit. */
function applySgr(style: Style, params: string): Style {
  // An empty parameter means 0, so `ESC[m` and `ESC[;1m` reset as a terminal would.
  const codes = params.split(';').map((code) => Number(code || 0))
  const next = { ...style }
  for (let index = 0; index < codes.length; index += 1) {
    const code = codes[index] ?? 0
    if (code === 0) Object.assign(next, PLAIN, { fg: undefined, bg: undefined })
    else if (code === 1) next.bold = true
    else if (code === 2) next.dim = true
    else if (code === 3) next.italic = true
    else if (code === 4) next.underline = true
    else if (code === 22) Object.assign(next, { bold: false, dim: false })
    else if (code === 23) next.italic = false
    else if (code === 24) next.underline = false
    else if (code >= 30 && code <= 37) next.fg = COLORS[code - 30]
    else if (code === 39) next.fg = undefined
    else if (code >= 40 && code <= 47) next.bg = COLORS[code - 40]
    else if (code === 49) next.bg = undefined
    else if (code >= 90 && code <= 97) next.fg = BRIGHT[code - 90]
    else if (code >= 100 && code <= 107) next.bg = BRIGHT[code - 100]
    // 256-colour and true-colour forms carry arguments that must not be read as codes of their own.
    else if (code === 38 || code === 48) index += codes[index + 1] === 5 ? 2 : 4
  }
  return next
}

function escapeHtml(text: string): string {
  const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
  return text.replace(/[&<>"']/g, (char) => entities[char] ?? char)
}

function styled(text: string, style: Style): string {
  // Anything that is not SGR (cursor moves, titles) has no place in a still picture.
  const html = escapeHtml(stripVTControlCharacters(text))
  const css = [
    style.fg && `color:${style.fg}`,
    style.bg && `background:${style.bg}`,
    style.bold && 'font-weight:bold',
    style.dim && 'opacity:0.6',
    style.italic && 'font-style:italic',
    style.underline && 'text-decoration:underline',
  ].filter(Boolean)
  return css.length > 0 && html ? `<span style="${css.join(';')}">${html}</span>` : html
}

/** Terminal output as HTML: SGR sequences become styled spans, everything else is escaped. */
function ansiToHtml(text: string): string {
  let style = PLAIN
  let html = ''
  let from = 0
  for (const match of text.matchAll(/\x1b\[([0-?]*)[ -/]*([@-~])/g)) {
    html += styled(text.slice(from, match.index), style)
    if (match[2] === 'm') style = applySgr(style, match[1] ?? '')
    from = match.index + match[0].length
  }
  return html + styled(text.slice(from), style)
}

function terminalPage(output: string, title: string): string {
  const dot = (color: string) => `<span class="dot" style="background:${color}"></span>`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<style>
  body { margin: 0; background: transparent; }
  .window { width: max-content; background: #0d1117; border: 1px solid #30363d; border-radius: 10px; overflow: hidden; }
  .bar { display: flex; align-items: center; gap: 8px; padding: 10px 14px; background: #161b22;
    border-bottom: 1px solid #30363d; font: 12px/1 'DejaVu Sans', 'Liberation Sans', sans-serif; color: #8b949e; }
  .dot { width: 12px; height: 12px; border-radius: 50%; }
  .title { margin-left: 8px; }
  pre { margin: 0; padding: 16px 22px 20px; color: #e6edf3;
    font: 14px/1.5 'DejaVu Sans Mono', 'Liberation Mono', ui-monospace, monospace; }
</style>
</head>
<body>
<div class="window">
  <div class="bar">${dot('#ff5f57')}${dot('#febc2e')}${dot('#28c840')}<span class="title">${escapeHtml(title)}</span></div>
  <pre>${ansiToHtml(output)}</pre>
</div>
</body>
</html>
`
}

await runStory(async (cleanup) => {
  const logger = teeLogger()
  const { url } = await serveBehindBrokenNginx(PROXY_HOST, logger, cleanup)
  const browser = await launchBrowser()
  cleanup.push(() => browser.close())
  const { watched } = await openBrokenPage(browser, url, logger)
  mkdirSync(pictures, { recursive: true })

  step('Saving the page with the notice to playground/pictures/notice.png')
  await watched.page.setViewportSize({ width: 1000, height: 640 })
  await watched.page.screenshot({ path: new URL('notice.png', pictures).pathname })

  const diagnosis = logger.raw().filter((msg) => stripVTControlCharacters(msg).startsWith(PREFIX))
  if (!diagnosis.some((msg) => msg !== stripVTControlCharacters(msg))) {
    throw new Error('the doctor printed without colours, so the terminal picture would not show what a user sees')
  }
  step('Drawing the diagnosis as Vite printed it to playground/pictures/terminal.png')
  // Twice the pixels: the README scales the picture down to its column, and the text must stay crisp.
  const context = await browser.newContext({ deviceScaleFactor: 2, viewport: { width: 1400, height: 900 } })
  const terminal = await context.newPage()
  await terminal.setContent(terminalPage(diagnosis.join('\n\n'), 'vite: the playground behind nginx (broken.conf)'))
  await terminal
    .locator('.window')
    .screenshot({ path: new URL('terminal.png', pictures).pathname, omitBackground: true })
  done('Wrote playground/pictures/notice.png and playground/pictures/terminal.png')
})
