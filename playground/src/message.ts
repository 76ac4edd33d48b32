export const message = 'Hello from the playground.'
