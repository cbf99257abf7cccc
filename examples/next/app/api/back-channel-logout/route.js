import { oneLogin } from '../../../lib/one-login.js';

// One Login POSTs logout_token=<JWS>; the client verifies it, refuses a replay and records that
// the user's sessions ended (currentUser() then answers null for them). Only 200 counts as
// delivered.
export async function POST(request) {
  try {
    await oneLogin().handleBackChannelLogout(await request.text());
    return new Response('OK');
  } catch (error) {
    if (typeof error?.code === 'string') return new Response(error.code, { status: 400 });
    return new Response('unavailable: try again', { status: 503 });
  }
}
