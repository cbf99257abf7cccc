import { redirect } from 'next/navigation';
import { oneLogin, session } from '../../../lib/one-login.js';

export async function GET() {
  const s = await session();
  const idTokenHint = s.idToken;
  s.destroy();
  const postLogoutRedirectUri = process.env.ONE_LOGIN_POST_LOGOUT_REDIRECT_URI;
  redirect(oneLogin().logoutUrl(idTokenHint ? { idTokenHint, postLogoutRedirectUri } : {}));
}
