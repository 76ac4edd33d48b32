import { describe, expect, test } from 'vitest'
import { renderBrowser } from '../../src/render/browser.js'
import { renderFinding } from '../../src/render/finding.js'
import { upgradeStripped, viteFacts } from '../fixtures.js'

describe('renderBrowser', () => {
  test('nginx: the evidence, notes, each block under its place, then what to do afterwards', () => {
    const message = renderBrowser(renderFinding(upgradeStripped({ fallback: 'fails' }), viteFacts()))
    expect(message).toEqual({
      title: '[hmr-doctor] nginx drops the WebSocket upgrade: the HMR handshake reaches Vite as a plain request.',
      lines: [
        'Seen by Vite: GET / HTTP/1.0 with Connection: close and no Upgrade header, from the page at http://localhost:8080',
        "Vite's direct fallback to port 5173 failed too: this page gets no updates.",
        "nginx, inside http {}:\nmap $http_upgrade $connection_upgrade {\n    default upgrade;\n    ''      close;\n}",
        expect.stringMatching(/^nginx, inside the server \{\} that proxies Vite:\nlocation = \/ \{\n/),
        'vite.config: nothing to change.',
        'Then reload nginx: nginx -s reload',
      ],
    })
  })

  test('a rejected page host: the vite.config block replaces "nothing to change"', () => {
    const finding = upgradeStripped({ handshake: { origin: 'http://app.test' } })
    const { lines } = renderBrowser(renderFinding(finding, viteFacts()))
    expect(lines).not.toContain('vite.config: nothing to change.')
    expect(lines.at(-3)).toBe(
      "vite.config, merged into your config (add to any allowedHosts you already have):\nexport default defineConfig({\n  server: {\n    allowedHosts: ['app.test'],\n  },\n})",
    )
    // The warning travels with the block, wherever it is shown.
    expect(lines.at(-2)).toMatch(/^Allow only a name you recognise/)
  })

  test("a proxy that can't be told apart: no block and no vite.config line, since no fix was printed", () => {
    const finding = upgradeStripped({ proxy: 'unknown' })
    expect(renderBrowser(renderFinding(finding, viteFacts())).lines).toEqual([
      'Seen by Vite: GET / HTTP/1.0 with Connection: close and no Upgrade header, from the page at http://localhost:8080',
      'Make the proxy pass the Upgrade and Connection headers on to Vite for / (HTTP/1.1 to Vite), and nothing in vite.config needs to change.',
    ])
  })
})
