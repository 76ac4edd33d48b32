import { measureRequestRatios, printRequestRatios } from './request-overhead.js'

printRequestRatios(await measureRequestRatios())
