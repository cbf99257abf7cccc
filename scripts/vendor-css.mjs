#!/usr/bin/env node
// Copy govuk-frontend's compiled CSS to www/vendor/ (gitignored) for the inspector page, without
// what only GOV.UK services may use: the @font-face rules for the GDS Transport font (its licence
// is for GOV.UK services) and the crest image. The system font stack replaces the font, so the
// page never asks for a font file. Run by scripts/build.sh.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css');
const out = path.join(root, 'www/vendor/govuk-frontend.css');
const SYSTEM_FONTS = 'system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif';

let css = readFileSync(source, 'utf8');
css = css
  .replace(/@font-face\{[^}]*\}/g, '')
  .replace(/font-family:\s*"?GDS Transport"?,\s*arial,\s*sans-serif/g, `font-family:${SYSTEM_FONTS}`)
  .replace(/font-family:\s*"?GDS Transport"?/g, `font-family:${SYSTEM_FONTS}`)
  .replace(/url\(\/assets\/images\/govuk-crest\.svg\)/g, 'none');
// Anything left that names the font or loads a file would be a licence or a privacy problem.
for (const forbidden of ['GDS Transport', 'url(']) {
  if (css.includes(forbidden)) {
    console.error(`vendor-css: ${forbidden} is still in ${path.relative(root, source)} after stripping`);
    process.exit(1);
  }
}
const version = JSON.parse(readFileSync(path.join(root, 'node_modules/govuk-frontend/package.json'), 'utf8')).version;
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `/* govuk-frontend ${version} (MIT), with the GOV.UK-only font and crest removed by scripts/vendor-css.mjs */\n${css}\n`);
console.log(`vendor-css: ${path.relative(root, out)} (govuk-frontend ${version}, ${css.length} bytes)`);
