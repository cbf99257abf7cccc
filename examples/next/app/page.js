import { currentUser } from '../lib/one-login.js';

export default async function Home() {
  const user = await currentUser();
  return user ? (
    <p>
      Signed in as {user.email ?? user.sub}. <a href="/account">Your account</a> · <a href="/api/sign-out">Sign out</a>
    </p>
  ) : (
    <p>
      Not signed in. <a href="/api/sign-in?returnTo=/account">Sign in</a>
    </p>
  );
}
