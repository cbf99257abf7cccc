// Print the per-host figures the host tests wrote (tests/artifacts/hosts.jsonl) as a Markdown table.
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2];
if (!existsSync(file)) process.exit(0);
const rows = readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const n = (x) => (x === undefined || x === null ? '–' : Math.round(x).toLocaleString('en-GB'));
console.log('\n| host | bytes shipped raw / gzip | cold to first verification (ms) | warm per verification (µs) | test |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  const bytes = r.raw === undefined ? '–' : `${n(r.raw)} / ${n(r.gzip)}`;
  console.log(`| ${r.host} | ${bytes} | ${n(r.coldMs)} | ${n(r.warmUs)} | ${r.test.replace('tests/hosts/', '')} |`);
}
const notes = [...new Set(rows.map((r) => r.note).filter(Boolean))];
if (notes.length) console.log(`\nNotes: ${notes.join('; ')}.`);
