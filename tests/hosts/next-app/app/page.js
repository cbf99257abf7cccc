// A server component page rendering a client component that uses the package: the page is
// server-rendered in Node (the package's "node" entry, which must not touch the file system),
// then hydrated in the browser (the default entry, which needs `await ready()`).
import Consumer from './consumer';

export default function Page() {
  return (
    <main>
      <h1>govuk-one-login-tokens in a client component</h1>
      <Consumer />
    </main>
  );
}
