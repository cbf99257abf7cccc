// A route handler on the Node.js runtime: POST the vectors, get consumer/check.js's JSON.
import * as api from 'govuk-one-login-tokens';
import { check } from '../../../../consumer/check.js';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function POST(request) {
  const input = await request.json();
  return Response.json(await check(api, input, { repeat: input.repeat }));
}
