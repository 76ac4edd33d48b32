import { describe, expect, test } from 'vitest'
import { diagnose } from '../../../src/diagnose/diagnose.js'
import { strippedPrefix } from '../../../src/diagnose/rules/client-unreached.js'
import type { PageReport } from '../../../src/evidence/evidence-types.js'
import { context, evidence, viteFacts } from '../../fixtures.js'

describe('client-unreached', () => {
  function page(
    pageUrl: string,
    arrivedPath: string,
    host: string | null = '127.0.0.1:5173',
    hostSource: PageReport['hostSource'] | null = 'local',
  ): PageReport {
    return { at: 2000, pageUrl, arrivedPath, host, proxy: 'nginx', ...(hostSource && { hostSource }) }
  }

  test.each<[string, string, string | null]>([
    ['/app/', '/', '/app/'],
    ['/app/page', '/page', '/app/'],
    ['/a/b/', '/', '/a/b/'],
    ['/', '/', null],
    ['/app/', '/app/', null],
    ['/app/', '/other/', null],
    ['/x y/', '/', null],
  ])('strippedPrefix(%j, %j) is %j', (pagePath, arrivedPath, prefix) => {
    expect(strippedPrefix(pagePath, arrivedPath)).toBe(prefix)
  })

  test("a page whose client never ran, behind a location that strips /app/: the prefix, and the proxy's upstream", () => {
    expect(diagnose(evidence(5000, [], [], [page('http://app.test/app/', '/')]), context)).toEqual([
      {
        cause: 'client-unreached',
        pageUrl: 'http://app.test/app/',
        clientSrc: 'http://app.test/@vite/client',
        arrivedPath: '/',
        strippedPrefix: '/app/',
        upstream: '127.0.0.1:5173',
        proxy: 'nginx',
      },
    ])
  })

  test("a report's Host that names another machine is described, never the upstream: anyone holds the secret", () => {
    const forged = page('http://app.test/app/', '/', 'attacker-upstream.example:6666', null)
    expect(diagnose(evidence(5000, [], [], [forged]), context)).toMatchObject([
      { upstream: null, seenUpstream: 'attacker-upstream.example:6666' },
    ])
  })

  test("the page's own Host passed on says nothing about the upstream", () => {
    const findings = diagnose(evidence(5000, [], [], [page('http://app.test/app/', '/', 'app.test')]), context)
    expect(findings).toMatchObject([{ upstream: null }])
  })

  test("only the developer's typed URL (the CLI) confirms the prefix; a page's report, which anyone can send, doesn't", () => {
    const report = page('http://app.test/app/', '/')
    const typed: PageReport = { ...report, pageSource: 'developer' }
    expect(diagnose(evidence(5000, [], [], [report]), context)).toMatchObject([{ strippedPrefix: '/app/' }])
    expect(diagnose(evidence(5000, [], [], [report]), context)[0]).not.toHaveProperty('confirmed')
    expect(diagnose(evidence(5000, [], [], [typed]), context)).toMatchObject([
      { strippedPrefix: '/app/', confirmed: true },
    ])
  })

  test('with a base already set, the stripped part is described, not suggested', () => {
    const facts = viteFacts({ base: '/app/', hmrPath: '/app/', clientPath: '/app/@vite/client' })
    const findings = diagnose(evidence(5000, [], [], [page('http://app.test/x/app/', '/app/')]), { ...context, facts })
    expect(findings).toMatchObject([{ cause: 'client-unreached', strippedPrefix: null }])
  })
})
