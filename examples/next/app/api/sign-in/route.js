import { redirect } from 'next/navigation';
import { safeReturnTo } from 'govuk-one-login-tokens';
import { oneLogin, session, keepSignIn } from '../../../lib/one-login.js';

export async function GET(request) {
  const returnTo = safeReturnTo(request.nextUrl.searchParams.get('returnTo')) ?? '/';
  const { url, transaction } = oneLogin().startSignIn({ scope: ['openid', 'email'] });
  const s = await session();
  keepSignIn(s, transaction, returnTo);
  await s.save();
  redirect(url);
}
