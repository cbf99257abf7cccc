// A tiny app that imports the package through Vite (which picks the "browser" entry).
import init, * as lib from 'govuk-one-login-tokens';

await init();
window.lib = lib;
window.__ready = true;
document.getElementById('status').textContent = `ready: ${typeof lib.verifyIdToken}`;
