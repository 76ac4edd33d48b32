// Preloaded into a CLI run (`--import`): resolves the names in HMR_DOCTOR_TEST_NAMES (`name=address,…`) as
// the test browser's host-resolver rules do, so the CLI opens the URL a test's browser opens.
import dns from 'node:dns'

const names = new Map(
  (process.env.HMR_DOCTOR_TEST_NAMES ?? '').split(',').flatMap((pair) => {
    const [name, address] = pair.split('=')
    return name && address ? [[name, address]] : []
  }),
)
const lookup = dns.lookup
dns.lookup = function (hostname, ...rest) {
  return lookup.call(this, names.get(hostname) ?? hostname, ...rest)
}
