// What the demo drives (Chromium, nginx, the doctor's printed lines pasted in) and the end-to-end harness
// builds on: the playground owns it, so the demo needs nothing from the tests.
export * from './browser.js'
export * from './compose-check.js'
export * from './foreground.js'
export * from './hmr.js'
export * from './nginx.js'
export * from './nginx-fix.js'
export * from './ports.js'
export * from './printed-fix.js'
export * from './wait.js'
