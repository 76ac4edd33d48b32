import { setupCounter } from './counter'
import { message } from './message'

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T

const render = (text: string) => {
  byId('message').textContent = text
}

render(message)
setupCounter(byId<HTMLButtonElement>('counter'))

import.meta.hot?.accept('./message', (next) => {
  if (!next) return
  render(next.message)
  byId('updated').textContent = new Date().toLocaleTimeString()
})
