/** A click counter whose count lives outside the module that edits replace, so HMR keeps it. */
export function setupCounter(button: HTMLButtonElement): void {
  const data = (import.meta.hot?.data ?? {}) as { count?: number }
  let count = data.count ?? 0
  const render = () => {
    button.textContent = `clicked ${count} time${count === 1 ? '' : 's'}`
  }
  button.addEventListener('click', () => {
    count += 1
    data.count = count
    render()
  })
  render()
}
