import type { BrowserMessage } from '../shared/protocol.js'

export const NOTICE_ID = 'hmr-doctor-notice'

// Joined from parts: the snippet must bundle to one line (see build.mjs).
const STYLE = [
  ':host{all:initial;position:fixed;right:16px;bottom:16px;z-index:2147483647;max-width:440px;',
  'font:13px/1.45 ui-sans-serif,system-ui,sans-serif;color:#f4f4f5}',
  '.box{background:#18181b;border-left:4px solid #f59e0b;border-radius:6px;padding:12px 36px 12px 14px;',
  'box-shadow:0 6px 24px rgb(0 0 0/35%);position:relative}',
  '.title{font-weight:600;margin:0 0 6px}p{margin:0 0 6px}.hint{color:#a1a1aa;margin:0}',
  'button{all:unset;position:absolute;top:6px;right:10px;cursor:pointer;font-size:18px;color:#a1a1aa}',
  'button:hover,button:focus-visible{color:#f4f4f5}',
].join('')

/** A small dismissable notice; text only (never HTML), since its words come over the network. */
export function showNotice(messages: BrowserMessage[]): void {
  const mount = (): void => {
    document.getElementById(NOTICE_ID)?.remove()
    const host = document.createElement('div')
    host.id = NOTICE_ID
    host.setAttribute('role', 'status')
    const root = host.attachShadow({ mode: 'open' })
    const style = document.createElement('style')
    style.textContent = STYLE
    const box = document.createElement('div')
    box.className = 'box'
    for (const message of messages) {
      const title = document.createElement('p')
      title.className = 'title'
      title.textContent = message.title.replace(/^\[hmr-doctor\]\s*/, 'HMR: ')
      box.append(title)
      const first = message.lines[0]
      if (first) {
        const line = document.createElement('p')
        line.textContent = first
        box.append(line)
      }
    }
    const hint = document.createElement('p')
    hint.className = 'hint'
    hint.textContent = 'The fix is in the browser console and in the terminal running Vite.'
    const close = document.createElement('button')
    close.type = 'button'
    close.setAttribute('aria-label', 'Dismiss')
    close.textContent = '×'
    close.addEventListener('click', () => host.remove())
    box.append(hint, close)
    root.append(style, box)
    document.body.append(host)
  }
  if (document.body) mount()
  else document.addEventListener('DOMContentLoaded', mount, { once: true })
}
