import type { WatchedPage } from 'hmr-doctor-playground/kit'
import { NOTICE_SELECTOR, noticeText } from 'hmr-doctor-playground/kit'
import { expect } from 'vitest'
import { silenceWindowMs } from '../../packages/plugin/src/shared/timing.js'
import type { RunningVite } from './vite.js'

/**
 * Waits out the longest the doctor may take to speak after the page's latest load: the plugin's own
 * `silenceWindowMs`, for the socket grace this Vite's doctor runs with.
 */
export async function outlastDoctor(vite: Pick<RunningVite, 'doctor'>, watched: WatchedPage): Promise<void> {
  await watched.page.waitForLoadState('load')
  const loadedAt = watched.loadedAt()
  if (loadedAt === null) throw new Error('the page never finished loading')
  // Nothing to poll for: silence is the absence of an event, proved only by outlasting the doctor's windows.
  const remaining = loadedAt + silenceWindowMs(vite.doctor ? vite.doctor.socketGraceMs : undefined) - Date.now()
  if (remaining > 0) await watched.page.waitForTimeout(remaining)
}

/**
 * Proves the doctor silent about a page: waits out the longest the doctor may take to speak after the
 * page's latest load (the plugin's own `silenceWindowMs`, for the socket grace this Vite's doctor runs with), then
 * checks every place a user would see it: nothing printed with `[hmr-doctor]`, no request from the
 * snippet to `__hmr_doctor`, no notice on the page, no console line naming hmr-doctor.
 */
export async function expectSilence(
  vite: Pick<RunningVite, 'doctor'> & { logger: Pick<RunningVite['logger'], 'text'> },
  watched: WatchedPage,
): Promise<void> {
  await outlastDoctor(vite, watched)
  expect(vite.logger.text()).not.toContain('[hmr-doctor]')
  expect(watched.doctorRequests).toEqual([])
  expect(await watched.page.locator(NOTICE_SELECTOR).count()).toBe(0)
  expect(await noticeText(watched.page)).toBeNull()
  expect(watched.console.filter((line) => /hmr-doctor/i.test(line))).toEqual([])
}
