import { matrixConfig } from '../config.ts'

export default matrixConfig(new URL('./', import.meta.url))
