// The consumer as a CommonJS program (Node, and esbuild's CJS bundle of it): see cli.mjs.
const api = require('govuk-one-login-tokens');

const input = JSON.parse(process.argv.at(-1));
import('./check.js')
  .then(({ check }) => check(api, input, { repeat: input.repeat }))
  .then((out) => console.log(JSON.stringify(out)));
