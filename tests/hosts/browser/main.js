// The browser consumer (Vite 7 and 8, webpack 5, and a plain page with an import map): a plain
// import of the package's full entry (the consumer uses PKCE and OneLoginClient, which the
// browser entry's small build leaves out; tests/package/browser.test.mjs runs that one under Vite
// and an import map), `await ready()` (inside check.js), result on window for the harness.
import * as api from 'govuk-one-login-tokens/full';
import { check } from '../consumer/check.js';

check(api, window.__vectors, { awaitReady: true }).then(
  (result) => {
    window.__result = result;
    document.getElementById('status').textContent = `verified ${result.sub}`;
  },
  (e) => {
    window.__error = `${e?.name} ${e?.code}: ${e?.message}`;
  },
);
