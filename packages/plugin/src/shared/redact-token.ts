/** Removes Vite's WebSocket token from a URL or path so it never reaches a log or a report. */
export function redactToken(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/g, '$1…')
}
