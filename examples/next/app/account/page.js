import { redirect } from 'next/navigation';
import { currentUser } from '../../lib/one-login.js';

export default async function Account() {
  const user = await currentUser();
  if (!user) redirect('/api/sign-in?returnTo=/account');
  return <p>Your account: {user.email ?? user.sub}</p>;
}
