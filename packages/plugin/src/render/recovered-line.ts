import colors from 'picocolors'
import type { FailedRoute } from '../diagnose/failed-route.js'
import { PREFIX } from '../shared/constants.js'

/** One line, once, when a socket works through a route the doctor said was failing. */
export function renderRecovered(route: FailedRoute): string {
  return `${colors.green(PREFIX)} HMR works now: the page at ${route.origin} opened its socket for ${route.path} through the route that was failing.`
}
