import { redirect } from 'next/navigation';
import { oneLogin, session, takeSignIn } from '../../../lib/one-login.js';

export async function GET(request) {
  const s = await session();
  const signIn = takeSignIn(s, request.nextUrl.searchParams.get('state'));
  let result;
  try {
    result = await oneLogin().completeSignIn(request.url, signIn?.transaction);
  } catch (error) {
    if (error?.error === 'login_required') s.user = s.idToken = undefined; // One Login ended its session
    await s.save();
    if (typeof error?.code !== 'string') throw error;
    return new Response(`${error.code}: the sign-in could not be completed`, { status: 400 });
  }
  s.user = { sub: result.sub, email: result.email, signedInAt: result.signedInAt };
  s.idToken = result.idToken; // for the logout hint
  await s.save();
  redirect(signIn.returnTo);
}
