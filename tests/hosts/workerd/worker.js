// A Cloudflare Worker using the package exactly as documented: a plain import, nothing to
// configure (wrangler resolves the "workerd" condition and bundles the .wasm as a module).
// POST the vectors; the answer is consumer/check.js's JSON.
import * as api from 'govuk-one-login-tokens';
import { check } from '../consumer/check.js';

export default {
  async fetch(request) {
    if (request.method !== 'POST') return new Response('POST the vectors');
    const input = await request.json();
    try {
      return Response.json(await check(api, input, { repeat: input.repeat }));
    } catch (e) {
      return new Response(`${e?.name} ${e?.code}: ${e?.stack}`, { status: 500 });
    }
  },
};
