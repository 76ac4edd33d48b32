// The READMEs link into the docs site by its published URL, which VitePress's dead-link check never sees:
// each such link must name a page in docs/.
import { existsSync, readFileSync } from 'node:fs'

const SITE = 'https://hmr-doctor.github.io/vite-plugin-hmr-doctor/'
const docs = new URL('../', import.meta.url)
const readmes = ['../../README.md', '../../packages/plugin/README.md']

const dead: string[] = []
for (const readme of readmes) {
  const text = readFileSync(new URL(readme, import.meta.url), 'utf8')
  for (const [, path = ''] of text.matchAll(
    /\]\(https:\/\/hmr-doctor\.github\.io\/vite-plugin-hmr-doctor\/([^)#]*)/g,
  )) {
    const page = path === '' || path.endsWith('/') ? `${path}index.md` : `${path}.md`
    if (!existsSync(new URL(page, docs))) dead.push(`${readme.slice('../../'.length)}: ${SITE}${path}`)
  }
}
if (dead.length > 0) {
  console.error(`Links to no page in docs/:\n${dead.join('\n')}`)
  process.exit(1)
}
console.log('the READMEs link only to pages in docs/')
