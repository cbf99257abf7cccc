// The inspector page. Every decode and check is done by the wasm package (inspectToken runs the
// same checks as the verifiers). Token text is attacker-controlled (it may come from a shared
// link), so it only ever reaches the page through textContent, never as HTML. Tokens are never
// logged, stored, or put anywhere but the fragment they came from.
import init, {
  inspectToken,
  getEnvironment,
  createPkce,
  pkceChallenge,
  pkceMatches,
  randomState,
  randomNonce,
} from '/pkg/browser-full.js';
import { CLAIMS, HEADER, TIME_CLAIMS, relative, utc } from './claims.js';

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

// ---- errors: govuk-frontend's error summary and error message patterns --------------------

const FIELD_GROUPS = {
  token: 'token-group',
  'custom-base-url': 'custom-group',
  jwks: 'jwks-group',
  'did-document': 'did-document-group',
  'service-keys': 'service-keys-group',
  vtr: 'vtr-group',
  'max-age': 'max-age-group',
  now: 'now-group',
  'clock-tolerance': 'clock-tolerance-group',
  'client-id': 'client-id-group',
  nonce: 'nonce-group',
  'id-token-sub': 'sub-group',
  'access-token': 'access-token-group',
  'pkce-verifier': 'pkce-verifier-group',
};

function clearErrors() {
  $('error-summary-slot').replaceChildren();
  for (const [field, group] of Object.entries(FIELD_GROUPS)) {
    $(group).classList.remove('govuk-form-group--error');
    const message = $(`${field}-error`);
    message.hidden = true;
    message.replaceChildren();
    const input = $(field);
    input.classList.remove('govuk-input--error', 'govuk-textarea--error');
    const described = (input.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id && id !== `${field}-error`);
    if (described.length) input.setAttribute('aria-describedby', described.join(' '));
    else input.removeAttribute('aria-describedby');
  }
}

/** Show `errors` ([{ field, text }]) in the summary and beside each field, and focus the summary. */
function showErrors(errors) {
  const list = el('ul', { class: 'govuk-list govuk-error-summary__list' });
  for (const { field, text } of errors) {
    const link = el('a', { href: `#${field}` }, text);
    link.addEventListener('click', (event) => {
      event.preventDefault();
      $(field).focus();
    });
    list.append(el('li', {}, link));
    $(FIELD_GROUPS[field]).classList.add('govuk-form-group--error');
    const message = $(`${field}-error`);
    message.replaceChildren(el('span', { class: 'govuk-visually-hidden' }, 'Error: '), text);
    message.hidden = false;
    const input = $(field);
    input.classList.add(input.tagName === 'TEXTAREA' ? 'govuk-textarea--error' : 'govuk-input--error');
    const described = (input.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
    input.setAttribute('aria-describedby', [...described, `${field}-error`].join(' '));
  }
  const summary = el(
    'div',
    { class: 'govuk-error-summary', tabindex: '-1', role: 'alert', 'aria-labelledby': 'error-summary-title' },
    el('h2', { class: 'govuk-error-summary__title', id: 'error-summary-title' }, 'There is a problem'),
    el('div', { class: 'govuk-error-summary__body' }, list),
  );
  $('error-summary-slot').replaceChildren(summary);
  summary.focus();
}

// ---- inputs ---------------------------------------------------------------------------------

function environmentChoice() {
  return document.querySelector('input[name="environment"]:checked')?.value ?? 'integration';
}

/** The environment option for the wasm API, or an error text. */
function environmentOption() {
  const choice = environmentChoice();
  if (choice !== 'custom') return { value: choice };
  const base = $('custom-base-url').value.trim();
  if (!base) return { error: 'Enter the custom environment\'s base URL or issuer, such as http://localhost:3000' };
  try {
    getEnvironment({ baseUrl: base });
  } catch (e) {
    return { error: `Enter a base URL like http://localhost:3000 (${e.message})` };
  }
  return { value: { baseUrl: base } };
}

function parseNow(text) {
  const t = text.trim();
  if (!t) return { value: undefined };
  if (/^\d+(\.\d+)?$/.test(t)) return { value: Number(t) };
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t : `${t}Z`);
  if (Number.isNaN(ms)) return { error: 'Enter the time as Unix seconds or as a UTC date and time such as 2026-11-21T10:00:00Z' };
  return { value: ms / 1000 };
}

function wholeNumber(text, field, what, max = Infinity) {
  const t = text.trim();
  if (!t) return { value: undefined };
  if (!/^\d+$/.test(t) || Number(t) > max) return { error: `${what} must be a whole number of seconds${max < Infinity ? ` from 0 to ${max}` : ''}`, field };
  return { value: Number(t) };
}

/** Read and check every input; returns { token, options, errors }. */
function readInputs() {
  const errors = [];
  const token = $('token').value.trim();
  if (!token) errors.push({ field: 'token', text: 'Enter a token to inspect' });
  const options = {};
  const env = environmentOption();
  if (env.error) errors.push({ field: 'custom-base-url', text: env.error });
  else options.environment = env.value;
  for (const [field, name, what] of [
    ['jwks', 'jwks', 'JWKS'],
    ['did-document', 'didDocument', 'DID document'],
  ]) {
    const text = $(field).value.trim();
    if (!text) continue;
    try {
      options[name] = JSON.parse(text);
    } catch {
      errors.push({ field, text: `The ${what} is not valid JSON` });
    }
  }
  // JSON or a PEM: the core tells them apart.
  const serviceKeys = $('service-keys').value.trim();
  if (serviceKeys) options.serviceKeys = serviceKeys;
  for (const [field, name] of [
    ['client-id', 'clientId'],
    ['nonce', 'nonce'],
    ['id-token-sub', 'sub'],
    ['access-token', 'accessToken'],
  ]) {
    const text = $(field).value.trim();
    if (text) options[name] = text;
  }
  const vtr = $('vtr').value.trim();
  if (vtr) options.vtr = vtr;
  const maxAge = wholeNumber($('max-age').value, 'max-age', 'max_age');
  if (maxAge.error) errors.push({ field: 'max-age', text: maxAge.error });
  else if (maxAge.value !== undefined) options.maxAge = maxAge.value;
  const tolerance = wholeNumber($('clock-tolerance').value, 'clock-tolerance', 'Clock tolerance', 300);
  if (tolerance.error) errors.push({ field: 'clock-tolerance', text: tolerance.error });
  else if (tolerance.value !== undefined) options.clockTolerance = tolerance.value;
  const now = parseNow($('now').value);
  if (now.error) errors.push({ field: 'now', text: now.error });
  else if (now.value !== undefined) options.now = now.value;
  return { token, options, errors };
}

// ---- rendering ------------------------------------------------------------------------------

function json(value) {
  return JSON.stringify(value, null, 2);
}

function claimRow(name, value, description, now) {
  const valueCell = el('dd', { class: 'govuk-summary-list__value' });
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  valueCell.append(el('code', { class: 'app-mono' }, shown.length > 300 ? `${shown.slice(0, 300)}…` : shown));
  if (TIME_CLAIMS.has(name) && typeof value === 'number') {
    valueCell.append(el('span', { class: 'app-claim-time' }, `${utc(value)} (${relative(name, value, now)})`));
  }
  valueCell.append(el('span', { class: 'app-claim-time' }, description ?? 'Not a claim One Login sends.'));
  return el('div', { class: 'govuk-summary-list__row' }, el('dt', { class: 'govuk-summary-list__key app-mono' }, name), valueCell);
}

function renderDecoded(result, now) {
  $('decoded').hidden = !(result.header || result.claims);
  $('kind').replaceChildren(
    'Recognised as: ',
    el('strong', { id: 'kind-name' }, result.kindLabel),
    ` (${result.kindReason}).`,
  );
  $('header-json').textContent = result.header ? json(result.header) : 'The header could not be decoded.';
  $('payload-json').textContent = result.claims ? json(result.claims) : 'The payload could not be decoded.';
  const rows = [];
  for (const [name, value] of Object.entries(result.header ?? {})) {
    rows.push(claimRow(`header ${name}`, value, HEADER[name], now));
  }
  for (const [name, value] of Object.entries(result.claims ?? {})) {
    rows.push(claimRow(name, value, CLAIMS[name], now));
  }
  $('claims-list').replaceChildren(...rows);
  $('unverified-warning').hidden = result.signatureVerified;
}

function nameText(name) {
  const when = [name.validFrom && `from ${name.validFrom}`, name.validUntil && `until ${name.validUntil}`].filter(Boolean).join(' ');
  return when ? `${name.fullName} (${when})` : name.fullName;
}

function renderIdentity(result) {
  const identity = result.identity;
  $('identity').hidden = !identity;
  if (!identity) return;
  const row = (key, value) =>
    el('div', { class: 'govuk-summary-list__row' }, el('dt', { class: 'govuk-summary-list__key' }, key), el('dd', { class: 'govuk-summary-list__value' }, value));
  const historic = identity.historicNames.length ? identity.historicNames.map(nameText).join('; ') : 'None given';
  $('identity-list').replaceChildren(
    row('Current name', identity.currentName ? nameText(identity.currentName) : 'None given'),
    row('Given names', identity.currentName ? identity.currentName.givenNames.join(' ') : '—'),
    row('Family name', identity.currentName ? identity.currentName.familyNames.join(' ') : '—'),
    row('Previous names', historic),
    row('Date of birth', identity.birthDates[0] ?? 'None given'),
    ...(identity.birthDates.length > 1 ? [row('Other dates of birth', identity.birthDates.slice(1).join(', '))] : []),
  );
  $('identity-status').textContent =
    result.verdict === 'valid'
      ? 'Verified: the credential passed every check. Keep what you need (name, date of birth), not the credential.'
      : 'Not verified: this is what the credential says. Do not rely on it until every check passes.';
}

const SKIP_TEXT = {
  prerequisite: 'an earlier check it depends on did not pass',
  missing_input: 'needs',
  not_requested: 'optional, needs',
  unsupported: 'this inspector verifies RS256 signatures only',
};
function checkLine(check) {
  let tag;
  let detail = null;
  if (check.status === 'pass') {
    tag = check.unverified
      ? el('strong', { class: 'govuk-tag govuk-tag--yellow' }, 'Pass, unverified')
      : el('strong', { class: 'govuk-tag govuk-tag--green' }, 'Pass');
  } else if (check.status === 'fail') {
    tag = el('strong', { class: 'govuk-tag govuk-tag--red' }, 'Fail');
    detail = el(
      'p',
      { class: 'govuk-body-s app-check__detail' },
      el('span', { class: 'app-check__code' }, check.code),
      check.claim ? ` (claim ${check.claim}${check.reason ? `, ${check.reason}` : ''})` : '',
      `: ${check.message}`,
    );
  } else {
    tag = el('strong', { class: 'govuk-tag govuk-tag--grey' }, 'Not checked');
    const why = check.input ? `${SKIP_TEXT[check.skipped]} ${check.inputLabel ?? check.input}` : SKIP_TEXT[check.skipped];
    detail = el('p', { class: 'govuk-body-s app-check__detail' }, `Not checked: ${why}.`);
  }
  return el(
    'li',
    { class: 'app-check', 'data-check': check.id, 'data-status': check.status },
    el('div', {}, tag),
    el('div', {}, el('span', { class: 'govuk-body' }, check.label), detail),
  );
}

function renderChecks(result) {
  $('results').hidden = false;
  $('checks').replaceChildren(...result.checks.map(checkLine));
  const failed = result.checks.filter((c) => c.status === 'fail');
  const skipped = result.checks.filter((c) => c.status === 'skipped' && c.skipped !== 'not_requested');
  const verdict = $('verdict');
  verdict.className = `app-verdict app-verdict--${result.verdict}`;
  verdict.dataset.verdict = result.verdict;
  let text;
  if (result.verdict === 'valid') {
    text = `Valid: every check passed (${result.checks.length} checks). A verifier with these inputs would accept this ${result.kindLabel}.`;
  } else if (result.verdict === 'invalid') {
    const first = failed[0];
    text = `Invalid: ${failed.length} of ${result.checks.length} checks failed. First failure: ${first.label}, ${first.code}.`;
  } else {
    text = `Incomplete: nothing failed, but ${skipped.length} checks could not run. Give the missing inputs to finish.`;
  }
  const lines = [el('p', { class: 'govuk-body govuk-!-font-weight-bold' }, text)];
  if (!result.signatureVerified) {
    lines.push(el('p', { class: 'govuk-body' }, 'The signature is not verified, so claim checks only describe what the token says.'));
  }
  verdict.replaceChildren(...lines);
}

function describeEnvironment() {
  const env = environmentOption();
  const fetchable = environmentChoice() !== 'custom';
  $('fetch-jwks').hidden = !fetchable;
  $('fetch-did').hidden = !fetchable;
  $('custom-group').hidden = fetchable;
  if (env.error) {
    $('environment-summary').textContent = '';
    return;
  }
  const e = getEnvironment(env.value);
  $('environment-summary').textContent = fetchable
    ? `Expected issuer ${e.issuer} (core identity: ${e.identityIssuer}). Keys from ${e.jwksUrl} and ${e.didUrl}.`
    : `Expected issuer ${e.issuer} (core identity: ${e.identityIssuer}), DID ${e.didId}. Paste this environment's keys: the page does not fetch from custom addresses.`;
}

/** The form field of each inspectToken option, to mark the one an error is about. */
const FIELD_OF_OPTION = {
  jwks: 'jwks',
  didDocument: 'did-document',
  serviceKeys: 'service-keys',
  environment: 'custom-base-url',
  clientId: 'client-id',
  nonce: 'nonce',
  sub: 'id-token-sub',
  vtr: 'vtr',
  maxAge: 'max-age',
  accessToken: 'access-token',
  now: 'now',
  clockTolerance: 'clock-tolerance',
};

/** The kinds of token a service makes itself, checked with its own public keys. */
const SERVICE_KINDS = new Set(['client_assertion', 'request_object']);

// ---- actions --------------------------------------------------------------------------------

function run() {
  clearErrors();
  const { token, options, errors } = readInputs();
  if (errors.length) {
    showErrors(errors);
    return;
  }
  let result;
  try {
    result = inspectToken(token, options);
  } catch (e) {
    // Only the options can make inspectToken throw (a token problem is a failed check); the
    // error names the option it is about, and the option names its field.
    const field = FIELD_OF_OPTION[e.option?.split('.')[0]] ?? 'token';
    showErrors([{ field, text: e.message }]);
    return;
  }
  // The service's own JWTs are checked with its keys: ask for them once one is recognised.
  $('service-keys-group').hidden = !SERVICE_KINDS.has(result.kind) && !options.serviceKeys;
  const now = options.now ?? Date.now() / 1000;
  renderDecoded(result, now);
  renderIdentity(result);
  renderChecks(result);
}

async function fetchKeys(kind) {
  const env = environmentOption();
  if (env.error || environmentChoice() === 'custom') return;
  const e = getEnvironment(env.value);
  const url = kind === 'jwks' ? e.jwksUrl : e.didUrl;
  const field = kind === 'jwks' ? 'jwks' : 'did-document';
  const status = $('fetch-status');
  status.textContent = `Fetching ${url}…`;
  try {
    // Only One Login's fixed key URLs can be fetched (the CSP allows nothing else), with no
    // cookies and no referrer.
    const response = await fetch(url, { credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    $(field).value = JSON.stringify(await response.json(), null, 2);
    status.textContent = `Fetched ${url}.`;
  } catch (err) {
    status.textContent = `Could not fetch ${url} (${err.message}; the browser may be offline or the server may not allow cross-origin requests). Paste the document instead.`;
  }
}

function pkceShow(text) {
  $('pkce-result').textContent = text;
}

function pkceVerifierError(e) {
  clearErrors();
  showErrors([{ field: 'pkce-verifier', text: e.message }]);
}

function wire() {
  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    run();
  });
  $('verify-form').addEventListener('submit', (event) => {
    event.preventDefault();
    run();
  });
  $('token').addEventListener('paste', () => setTimeout(run, 0));
  $('token').addEventListener('drop', (event) => {
    const file = event.dataTransfer?.files?.[0];
    if (!file) {
      setTimeout(run, 0);
      return;
    }
    event.preventDefault();
    file.text().then((text) => {
      $('token').value = text.trim();
      run();
    });
  });
  for (const radio of document.querySelectorAll('input[name="environment"]')) {
    radio.addEventListener('change', describeEnvironment);
  }
  $('custom-base-url').addEventListener('input', describeEnvironment);
  $('fetch-jwks').addEventListener('click', () => fetchKeys('jwks'));
  $('fetch-did').addEventListener('click', () => fetchKeys('did'));

  $('pkce-generate').addEventListener('click', () => {
    const pair = createPkce();
    $('pkce-verifier').value = pair.codeVerifier;
    $('pkce-challenge').value = pair.codeChallenge;
    $('pkce-state').textContent = randomState();
    $('pkce-nonce').textContent = randomNonce();
    $('pkce-generated').hidden = false;
    pkceShow('Generated a new code verifier and its S256 code challenge, a state and a nonce.');
  });
  $('pkce-compute').addEventListener('click', () => {
    clearErrors();
    try {
      const challenge = pkceChallenge($('pkce-verifier').value.trim());
      $('pkce-challenge').value = challenge;
      pkceShow(`The S256 code challenge is ${challenge}.`);
    } catch (e) {
      pkceVerifierError(e);
    }
  });
  $('pkce-form').addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors();
    try {
      const ok = pkceMatches($('pkce-verifier').value.trim(), $('pkce-challenge').value.trim());
      pkceShow(ok ? 'Match: the code challenge is the S256 challenge of this verifier.' : 'No match: this verifier does not produce this code challenge.');
    } catch (e) {
      pkceVerifierError(e);
    }
  });
}

/** `#token=…` or `#id_token=…`: the fragment never reaches a server. */
function tokenFromFragment() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  return params.get('token') ?? params.get('id_token');
}

try {
  await init();
  wire();
  describeEnvironment();
  $('loading').textContent = 'Ready. Nothing you paste leaves this page.';
  const fromLink = tokenFromFragment();
  if (fromLink) {
    $('token').value = fromLink;
    run();
  }
  document.documentElement.dataset.ready = 'true';
} catch (e) {
  $('loading').textContent = `The verifier could not load: ${e.message}`;
}
