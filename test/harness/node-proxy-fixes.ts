import { printedBlock } from 'hmr-doctor-playground/kit'
import { replaceLine } from './paste.js'

/** The doctor's summary for an upgrade that http-proxy's web pass forwarded as a plain request. */
export const PLAIN_REQUEST_SUMMARY =
  '[hmr-doctor] The Node proxy in front of Vite forwards the HMR handshake as a plain request'
/** Where `ws: true` goes: the middleware for the HMR path at `hmrPath` (Vite's base and hmr.path), and no other. */
export const hpmOptions = (hmrPath: string) =>
  `http-proxy-middleware, in the options of the middleware that proxies the HMR path (${hmrPath}), and in no other createProxyMiddleware({ … })`
export const HPM_UPGRADE =
  'http-proxy-middleware, after your server is created (const server = app.listen(…)), with proxy that same middleware (the one createProxyMiddleware returned for the HMR path)'
export const HTTP_PROXY_UPGRADE =
  'or http-proxy / http-proxy-3 with only proxy.web(…), after your server is created (const server = …)'

/**
 * Express with http-proxy-middleware (`pkg`, an alias for another major) as its README writes it; `options`
 * fills the options' open line, a marker for a printed block by default.
 */
export const expressWithHpm = (pkg: string, options = '// options') => `import express from 'express'
import { createProxyMiddleware } from '${pkg}'

const app = express()
const proxy = createProxyMiddleware({
  target: process.env.TARGET,
  ${options}
})
app.use(proxy)
const server = app.listen(Number(process.env.PORT), process.env.HOST, () => console.log('listening'))
// after listen
`

/** Both http-proxy-middleware blocks, each where its heading says, for Vite's socket at `hmrPath`. */
export const pasteHpmFix =
  (hmrPath = '/') =>
  (source: string, output: string): string => {
    const withOption = replaceLine(source, /\/\/ options/, printedBlock(output, hpmOptions(hmrPath)))
    return replaceLine(withOption, /\/\/ after listen/, printedBlock(output, HPM_UPGRADE))
  }
