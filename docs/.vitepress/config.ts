import { readdirSync, readFileSync } from 'node:fs'
import { defineConfig } from 'vitepress'

const repository = 'https://github.com/hmr-doctor/vite-plugin-hmr-doctor'

const causesDir = new URL('../causes/', import.meta.url)

/** The cause pages, generated from the renderers, each under its first heading. */
const causes = readdirSync(causesDir)
  .filter((file) => file.endsWith('.md') && file !== 'index.md')
  .map((file) => ({
    text: /^# (.+)$/m.exec(readFileSync(new URL(file, causesDir), 'utf8'))?.[1] ?? file,
    link: `/causes/${file.slice(0, -'.md'.length)}`,
  }))

export default defineConfig({
  title: 'vite-plugin-hmr-doctor',
  description: "Finds out why Vite's HMR WebSocket fails behind a reverse proxy and prints the exact fix.",
  // Served from GitHub Pages under the repository's name.
  base: '/vite-plugin-hmr-doctor/',
  cleanUrls: true,
  // Dead links fail the build (VitePress's default): said here so nobody turns it off by accident.
  ignoreDeadLinks: false,
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started' },
      { text: 'Causes', link: '/causes/' },
      { text: 'CLI', link: '/cli' },
    ],
    sidebar: [
      {
        text: 'Guide',
        items: [
          { text: 'Getting started', link: '/guide/getting-started' },
          { text: 'What it prints', link: '/guide/what-it-prints' },
          { text: 'Options', link: '/guide/options' },
          { text: 'What it detects', link: '/guide/detects' },
          { text: 'Messages from real runs', link: '/guide/captured' },
          { text: 'The whole directive space', link: '/guide/directive-space' },
          { text: 'Limitations', link: '/guide/limitations' },
        ],
      },
      {
        text: 'Causes',
        link: '/causes/',
        items: causes,
      },
      {
        text: 'Reference',
        items: [
          { text: 'The CLI', link: '/cli' },
          { text: 'The CLI’s JSON', link: '/cli-json' },
          { text: 'Frameworks and backends', link: '/frameworks' },
          { text: 'Docker and the playground', link: '/docker' },
          { text: 'Security', link: '/security' },
          { text: 'Performance', link: '/performance' },
          { text: 'How performance is measured', link: '/performance-method' },
          { text: 'How it works', link: '/how-it-works' },
          { text: 'Architecture', link: '/architecture' },
          { text: 'Contributing', link: '/contributing' },
        ],
      },
    ],
    socialLinks: [{ icon: 'github', link: repository }],
  },
})
