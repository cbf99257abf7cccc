'use client';
// A client component, written as the README says: a plain import (of the full entry: the consumer
// uses PKCE and OneLoginClient, which the browser entry's small build leaves out), `await ready()`
// in the browser.
import { useEffect, useState } from 'react';
import * as api from 'govuk-one-login-tokens/full';
import { check } from '../../consumer/check.js';

export default function Consumer() {
  const [status, setStatus] = useState('loading');
  useEffect(() => {
    check(api, window.__vectors, { awaitReady: true }).then(
      (result) => {
        window.__result = result;
        setStatus(`verified ${result.sub}`);
      },
      (e) => {
        window.__error = `${e?.name} ${e?.code}: ${e?.message}`;
        setStatus('failed');
      },
    );
  }, []);
  return <p id="status">{status}</p>;
}
