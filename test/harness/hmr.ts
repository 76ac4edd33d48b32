import type { Page } from 'playwright-core'
import type { WatchedPage } from './browser.js'
import type { RunningVite } from './vite.js'
import { waitFor } from './wait.js'

export const NOTICE_SELECTOR = '#hmr-doctor-notice'

export function messageText(page: Page): Promise<string | null> {
  return page.locator('#message').textContent()
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
 * The page is marked before the edit; a full reload would lose the mark.
 */
export async function expectHmrApplies(
  watched: WatchedPage,
  vite: Pick<RunningVite, 'edit'>,
  timeoutMs = 10_000,
): Promise<void> {
  await waitFor('the app to render', async () => (await messageText(watched.page)) !== '')
  const reloadsBefore = watched.reloads()
  await watched.page.evaluate(() => {
    ;(window as unknown as { __hmrMark: boolean }).__hmrMark = true
  })
  const text = `edited ${Date.now()}`
  vite.edit('src/message.ts', () => `export const message = '${text}'\n`)
  await waitFor(`the page to show "${text}"`, async () => (await messageText(watched.page)) === text, timeoutMs)
  const marked = await watched.page.evaluate(() => (window as unknown as { __hmrMark?: boolean }).__hmrMark === true)
  if (!marked || watched.reloads() !== reloadsBefore)
    throw new Error('the page reloaded instead of applying the update')
}
