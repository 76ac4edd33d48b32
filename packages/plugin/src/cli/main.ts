#!/usr/bin/env node
import { readFileSync } from 'node:fs'
import { stripVTControlCharacters } from 'node:util'
import colors from 'picocolors'
import { PREFIX } from '../shared/constants.js'
import { parseCommand } from './args.js'
import { runCheck } from './check.js'
import { CheckError } from './check-error.js'
import { projectViteVersion } from './check-facts.js'
import { errorJson, exitCodeOf, toJson, toText } from './output.js'
import { findViteConfig, readProjectConfig } from './project-config.js'

/** `hmr-doctor`: exit 0 healthy, 1 diagnosed, 2 could not check (one line, never a stack trace). */
async function main(argv: readonly string[]): Promise<number> {
  const useColor = process.stdout.isTTY === true && !('NO_COLOR' in process.env)
  const json = argv.includes('--json')
  // The URL once it parsed, so an error result still says what it was asked to check.
  let url: string | null = null
  const fail = (message: string): number => {
    if (json) process.stdout.write(`${JSON.stringify(errorJson(url, message), null, 2)}\n`)
    else {
      const line = `${colors.red(PREFIX)} could not check: ${message}\n`
      process.stderr.write(process.stderr.isTTY && !('NO_COLOR' in process.env) ? line : stripVTControlCharacters(line))
    }
    return 2
  }
  try {
    const command = parseCommand(argv)
    if (command.kind === 'help') {
      process.stdout.write(command.text)
      return 0
    }
    if (command.kind === 'version') {
      const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
      process.stdout.write(`${pkg.version}\n`)
      return 0
    }
    url = command.options.url.href
    const folder = process.cwd()
    if (command.project && findViteConfig(folder) === null)
      throw new CheckError(`--project: no vite.config in ${folder}`)
    const progress = process.stderr.isTTY === true && !command.json
    if (progress) process.stderr.write(`${PREFIX} checking ${command.options.url.href}…`)
    const project = command.project ? () => readProjectConfig(folder) : null
    const result = await runCheck(command.options, projectViteVersion(folder), project).finally(() => {
      if (progress) process.stderr.write('\r\u001b[2K')
    })
    process.stdout.write(command.json ? `${JSON.stringify(toJson(result), null, 2)}\n` : toText(result, useColor))
    return exitCodeOf(result)
  } catch (error) {
    if (error instanceof CheckError) return fail(error.message)
    return fail(`a bug in hmr-doctor: ${error instanceof Error ? error.message : String(error)} (please report it)`)
  }
}

process.exitCode = await main(process.argv.slice(2))
