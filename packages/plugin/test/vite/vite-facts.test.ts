import type { AddressInfo } from 'node:net'
import type { ResolvedConfig } from 'vite'
import { describe, expect, test } from 'vitest'
import {
  type HmrSettings,
  hmrConfigKeyFor,
  readHmrSettings,
  readViteFacts,
  type ViteFacts,
} from '../../src/vite/vite-facts.js'

type Server = ResolvedConfig['server']

// Only the fields readViteFacts reads; a full ResolvedConfig would bury what each case varies.
function resolvedConfig(base: string, server: Record<string, unknown> = {}): ResolvedConfig {
  return { base, server: { allowedHosts: [], ...server } } as unknown as ResolvedConfig
}

function serverConfig(server: Record<string, unknown>): Server {
  return server as unknown as Server
}

test.each([
  ['5.4.12', 'hmr'],
  ['6.0.0', 'hmr'],
  ['7.1.3', 'hmr'],
  ['8.0.3', 'hmr'],
  ['8.1.0', 'ws'],
  ['8.1.0-beta.2', 'ws'],
  ['8.3.8', 'ws'],
  ['9.0.0', 'ws'],
  ['10.0.0', 'ws'],
])('hmrConfigKeyFor(%s) is %s', (version, key) => {
  expect(hmrConfigKeyFor(version)).toBe(key)
})

test.each<{ name: string; server: Record<string, unknown>; settings: HmrSettings }>([
  {
    name: 'server.ws is preferred over its server.hmr alias',
    server: { ws: { path: '/ws', port: 24678 }, hmr: { path: '/hmr', port: 1 } },
    settings: { path: '/ws', port: 24678 },
  },
  {
    name: 'server.hmr when there is no server.ws (Vite < 8.1)',
    server: { hmr: { path: '/hmr', clientPort: 443, host: 'app.test', protocol: 'wss' } },
    settings: { path: '/hmr', clientPort: 443, host: 'app.test', protocol: 'wss' },
  },
  { name: 'server.ws false falls back to server.hmr', server: { ws: false, hmr: { port: 1 } }, settings: { port: 1 } },
  { name: 'hmr: true carries no settings', server: { hmr: true }, settings: {} },
  { name: 'neither key', server: {}, settings: {} },
  {
    name: 'values of the wrong type are dropped',
    server: { ws: { port: '24678', clientPort: null, host: 1, protocol: {}, path: ['/'] } },
    settings: {},
  },
])('readHmrSettings: $name', ({ server, settings }) => {
  expect(readHmrSettings(serverConfig(server))).toEqual(settings)
})

describe('readViteFacts', () => {
  test('a default server on 127.0.0.1', () => {
    const address: AddressInfo = { address: '127.0.0.1', family: 'IPv4', port: 5173 }
    expect(readViteFacts(resolvedConfig('/'), '8.3.8', address)).toEqual<ViteFacts>({
      viteVersion: '8.3.8',
      hmrConfigKey: 'ws',
      base: '/',
      hmrPath: '/',
      clientPath: '/@vite/client',
      hmr: {},
      listen: { host: '127.0.0.1', port: 5173 },
      allowedHosts: [],
      httpHostCheck: true,
      tokenCheck: true,
      issuesToken: false,
      directFallback: true,
      configOwner: null,
      middlewareMode: false,
      hmrServerPort: null,
    })
  })

  test.each<{ name: string; server: Record<string, unknown>; hmrServerPort: number | null }>([
    { name: 'no port: the socket shares the dev server', server: { port: 5173 }, hmrServerPort: null },
    { name: "a port equal to the dev server's", server: { port: 5173, ws: { port: 5173 } }, hmrServerPort: null },
    { name: 'another port: a server of its own', server: { port: 5173, ws: { port: 24678 } }, hmrServerPort: 24678 },
    { name: 'middleware mode: 24678 by default', server: { middlewareMode: true }, hmrServerPort: 24678 },
    {
      name: 'a server given to attach to: none of its own',
      server: { port: 5173, hmr: { port: 24678, server: {} } },
      hmrServerPort: null,
    },
  ])('the socket server: $name', ({ server, hmrServerPort }) => {
    expect(readViteFacts(resolvedConfig('/', server), '8.3.8', null).hmrServerPort).toBe(hmrServerPort)
  })

  test.each([
    { server: { hmr: false }, hmrDisabled: true },
    { server: { hmr: {} }, hmrDisabled: undefined },
    { server: {}, hmrDisabled: undefined },
  ])('server.hmr $server.hmr: HMR turned off is $hmrDisabled', ({ server, hmrDisabled }) => {
    expect(readViteFacts(resolvedConfig('/', server), '8.3.8', null).hmrDisabled).toBe(hmrDisabled)
  })

  test.each([
    { name: 'plain Vite', server: {}, plugins: ['vite:css'], middlewareMode: false, configOwner: null },
    { name: 'an Express app', server: { middlewareMode: true }, plugins: [], middlewareMode: true, configOwner: null },
    {
      name: 'Nuxt, which runs Vite in middleware mode and names its plugins nuxt:…',
      server: { middlewareMode: true, hmr: { server: {} } },
      plugins: ['vite:css', 'nuxt:dev-server'],
      middlewareMode: true,
      configOwner: 'nuxt',
    },
  ])('who runs Vite: $name', ({ name: _name, server, plugins, ...expected }) => {
    const config = { ...resolvedConfig('/', server), plugins: plugins.map((name) => ({ name })) } as ResolvedConfig
    const facts = readViteFacts(config, '8.3.8', null)
    expect({ middlewareMode: facts.middlewareMode, configOwner: facts.configOwner }).toEqual(expected)
  })

  // Vite 5.4.12+ leaves the option undefined when unset and checks all the same (`allowedHosts ?? []`); the
  // token came in the same release, so it tells that Vite from one without any check.
  test('an unset allowedHosts on a Vite that issues tokens: checked, nothing extra allowed', () => {
    const config = { ...resolvedConfig('/', { allowedHosts: undefined }), webSocketToken: 'abc' } as ResolvedConfig
    expect(readViteFacts(config, '5.4.21', null).allowedHosts).toEqual([])
  })

  test('a Vite that bakes a token into its client issues tokens', () => {
    const config = { ...resolvedConfig('/'), webSocketToken: 'abc' } as ResolvedConfig
    expect(readViteFacts(config, '8.3.8', null).issuesToken).toBe(true)
  })

  test.each<{ name: string; server: Record<string, unknown>; directFallback: boolean }>([
    { name: 'no port set: the client infers it and falls back', server: {}, directFallback: true },
    { name: 'hmr.port set', server: { hmr: { port: 24678 } }, directFallback: false },
    { name: 'ws.clientPort set', server: { ws: { clientPort: 443 } }, directFallback: false },
    { name: 'middleware mode uses its own HMR port', server: { middlewareMode: true }, directFallback: false },
    {
      name: 'middleware mode with hmr.server shares that server',
      server: { middlewareMode: true, hmr: { server: {} } },
      directFallback: true,
    },
  ])('direct fallback: $name', ({ server, directFallback }) => {
    expect(readViteFacts(resolvedConfig('/', server), '8.3.8', null).directFallback).toBe(directFallback)
  })

  test.each([
    { name: 'a list is kept', server: { allowedHosts: ['app.test'] }, allowedHosts: ['app.test'], httpHostCheck: true },
    { name: 'true turns the check off', server: { allowedHosts: true }, allowedHosts: true, httpHostCheck: true },
    {
      name: 'a Vite without the option has no check',
      server: { allowedHosts: undefined },
      allowedHosts: true,
      httpHostCheck: true,
    },
    { name: 'https skips the HTTP check only', server: { https: {} }, allowedHosts: [], httpHostCheck: false },
  ])('host check: $name', ({ server, allowedHosts, httpHostCheck }) => {
    expect(readViteFacts(resolvedConfig('/', server), '8.3.8', null)).toMatchObject({ allowedHosts, httpHostCheck })
  })

  test.each([
    { base: '/', path: undefined, hmrPath: '/', clientPath: '/@vite/client' },
    { base: '/app/', path: undefined, hmrPath: '/app/', clientPath: '/app/@vite/client' },
    { base: '/app', path: undefined, hmrPath: '/app/', clientPath: '/app/@vite/client' },
    { base: '/app/', path: 'hmr', hmrPath: '/app/hmr', clientPath: '/app/@vite/client' },
    { base: '/app/', path: '/hmr', hmrPath: '/app/hmr', clientPath: '/app/@vite/client' },
    { base: '/', path: '/hmr', hmrPath: '/hmr', clientPath: '/@vite/client' },
  ])('base $base with hmr.path $path: socket at $hmrPath', ({ base, path, hmrPath, clientPath }) => {
    const facts = readViteFacts(resolvedConfig(base, { hmr: path === undefined ? true : { path } }), '8.0.3', null)
    expect({ hmrPath: facts.hmrPath, clientPath: facts.clientPath }).toEqual({ hmrPath, clientPath })
  })

  test.each<{ address: AddressInfo | string | null | undefined; listen: ViteFacts['listen'] }>([
    { address: { address: '::', family: 'IPv6', port: 5173 }, listen: { host: '127.0.0.1', port: 5173 } },
    { address: { address: '0.0.0.0', family: 'IPv4', port: 5174 }, listen: { host: '127.0.0.1', port: 5174 } },
    { address: { address: '::1', family: 'IPv6', port: 5173 }, listen: { host: '[::1]', port: 5173 } },
    { address: { address: '192.168.1.20', family: 'IPv4', port: 80 }, listen: { host: '192.168.1.20', port: 80 } },
    { address: '/tmp/vite.sock', listen: null },
    { address: null, listen: null },
    { address: undefined, listen: null },
  ])('listening on $address', ({ address, listen }) => {
    expect(readViteFacts(resolvedConfig('/'), '8.3.8', address).listen).toEqual(listen)
  })

  test.each<{ allowedHosts: true | string[]; expected: true | string[] }>([
    { allowedHosts: true, expected: true },
    { allowedHosts: ['.example.com', 'app.test'], expected: ['.example.com', 'app.test'] },
  ])('allowedHosts $allowedHosts', ({ allowedHosts, expected }) => {
    expect(readViteFacts(resolvedConfig('/', { allowedHosts }), '8.3.8', null).allowedHosts).toEqual(expected)
  })
})
