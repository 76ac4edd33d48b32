import type { Page } from 'playwright-core'
import type { WatchedPage } from './browser.js'
import { waitFor } from './wait.js'

/** An app whose files can be rewritten, as a user's editor would. */
export interface EditableApp {
  edit(file: string, change: (text: string) => string): void
}

export const NOTICE_SELECTOR = '#hmr-doctor-notice'

/** The app's message as the page shows it now, or null while it shows none (loading, an error page). */
export function messageText(page: Page): Promise<string | null> {
  return page.evaluate(() => document.querySelector('#message')?.textContent ?? null)
}

/** What a page shows and logged, for a failure message: what the test saw instead of the app. */
export async function pageState(watched: WatchedPage): Promise<string> {
  const body = await watched.page
    .evaluate(() => document.body?.textContent ?? '')
    .catch((error: unknown) => `(unreadable: ${String(error)})`)
  return `the page at ${watched.page.url()} shows ${JSON.stringify(body.slice(0, 300))}; its console: ${JSON.stringify(watched.console.slice(-12))}`
}

/**
 * Waits for the app's message to show. A framework's dev server compiles its first page on demand, and a
 * loaded machine makes that slow: the wait is generous, and a page that never shows the app says what it
 * shows instead.
 */
export async function expectAppRendered(watched: WatchedPage, timeoutMs = 30_000): Promise<void> {
  const rendered = await waitFor(
    'the app to render',
    async () => ((await messageText(watched.page)) ?? '') !== '',
    timeoutMs,
  ).then(
    () => true,
    () => false,
  )
  if (!rendered) throw new Error(`the app never rendered within ${timeoutMs} ms: ${await pageState(watched)}`)
}

/** The doctor's notice as the user reads it (it lives in a shadow root), or null when there is none. */
export async function noticeText(page: Page): Promise<string | null> {
  return page.evaluate((selector) => {
    const host = document.querySelector(selector)
    return host?.shadowRoot?.querySelector('.box')?.textContent ?? null
  }, NOTICE_SELECTOR)
}

/**
 * Edits the app's message and waits for the page to show it without a reload: the proof that HMR works.
 * The page is marked before the edit; a full reload would lose the mark. An edit made while Vite's watcher
 * or the socket is still settling can pass unseen (Vite keeps no backlog), so it is made again, with new
 * text, until one shows or the time is up: a broken HMR still fails every time.
 */
export async function expectHmrApplies(watched: WatchedPage, vite: EditableApp, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  await expectAppRendered(watched)
  await waitFor('the HMR socket', () => watched.console.some((line) => line.includes('[vite] connected.')), timeoutMs)
  const reloadsBefore = watched.reloads()
  await watched.page.evaluate(() => {
    ;(window as unknown as { __hmrMark: boolean }).__hmrMark = true
  })
  let shown = false
  for (let attempt = 1; !shown && Date.now() < deadline; attempt += 1) {
    const text = `edited ${Date.now()} #${attempt}`
    vite.edit('src/message.ts', () => `export const message = '${text}'\n`)
    shown = await waitFor(
      `the page to show "${text}"`,
      async () => (await messageText(watched.page)) === text,
      Math.min(3000, Math.max(1, deadline - Date.now())),
    ).then(
      () => true,
      () => false,
    )
  }
  if (!shown) throw new Error(`no edit reached the page within ${timeoutMs} ms`)
  const marked = await watched.page.evaluate(() => (window as unknown as { __hmrMark?: boolean }).__hmrMark === true)
  if (!marked || watched.reloads() !== reloadsBefore)
    throw new Error('the page reloaded instead of applying the update')
}
