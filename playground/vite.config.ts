import { defineConfig } from 'vite'
import hmrDoctor from 'vite-plugin-hmr-doctor'

export default defineConfig({
  plugins: [hmrDoctor()],
  server: {
    // In Docker the container's port is published: Vite must listen beyond the container's loopback.
    host: process.env.VITE_HOST ?? '127.0.0.1',
  },
})
