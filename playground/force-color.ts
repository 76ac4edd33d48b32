/**
 * Imported first by pictures.ts, before anything loads the plugin: picocolors decides once, as it loads,
 * whether to colour, and under a pipe (npm in CI, a log file) it would not, leaving the terminal picture grey.
 */
process.env.FORCE_COLOR = '1'
delete process.env.NO_COLOR

export {}
