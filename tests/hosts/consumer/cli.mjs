// The consumer as an ESM program (Node, Deno, Bun, and esbuild / bun --compile bundles of it):
// the vectors arrive as the last argument (no file or env access, so Deno runs it without any
// permission); the result is printed as one JSON line.
import * as api from 'govuk-one-login-tokens';
import process from 'node:process';
import { check } from './check.js';

const input = JSON.parse(process.argv.at(-1));
console.log(JSON.stringify(await check(api, input, { repeat: input.repeat })));
