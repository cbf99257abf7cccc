// A route handler on the edge runtime ("edge-light" condition; no file system, no compiling bytes): POST the vectors, get consumer/check.js's JSON.
import * as api from 'govuk-one-login-tokens';
import { check } from '../../../../consumer/check.js';

export const runtime = 'edge';
export const dynamic = 'force-dynamic';

export async function POST(request) {
  const input = await request.json();
  return Response.json(await check(api, input, { repeat: input.repeat }));
}
