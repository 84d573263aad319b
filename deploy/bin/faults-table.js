// Prints the faults suite's summary table from the rows the tests appended (test/support/fault-report.ts)
// and jest's JSON result. Usage: node faults-table.js report.jsonl jest.json seconds
const fs = require('fs');
const [reportFile, jestFile, seconds] = process.argv.slice(2);
const rows = fs.existsSync(reportFile)
  ? fs
      .readFileSync(reportFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
  : [];
const classes = (c) =>
  c
    ? Object.entries(c)
        .map(([k, v]) => `${k}:${v}`)
        .join(' ')
    : '';
const header = [
  'scenario',
  'faults',
  'events',
  'customers',
  'mismatches',
  'lost notif.',
  'dead-lettered/injected',
  'API requests',
  'status classes',
];
const table = rows.map((r) => [
  r.scenario,
  r.faults,
  r.events,
  r.customers,
  r.mismatches,
  r.lostNotifications,
  r.injected === undefined ? '' : `${r.deadLettered}/${r.injected}`,
  r.requests ?? '',
  classes(r.statusClasses),
]);
const sum = (key) => rows.reduce((n, r) => n + (r[key] ?? 0), 0);
const all = {};
for (const r of rows) for (const [k, v] of Object.entries(r.statusClasses ?? {})) all[k] = (all[k] ?? 0) + v;
table.push([
  'TOTAL',
  sum('faults'),
  sum('events'),
  sum('customers'),
  sum('mismatches'),
  sum('lostNotifications'),
  `${sum('deadLettered')}/${sum('injected')}`,
  sum('requests'),
  classes(all),
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => String(r[i]).length)));
const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
const profile = rows[0]?.profile ?? process.env.FAULTS_PROFILE ?? '?';
console.log(`\nFaults suite summary (profile ${profile}, ${seconds ?? '?'} s)\n`);
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of table) console.log(line(r));
const notes = rows.filter((r) => r.notes);
if (notes.length > 0) {
  console.log('\nNotes:');
  for (const r of notes) console.log(`- ${r.scenario}: ${r.notes}`);
}
if (fs.existsSync(jestFile)) {
  const j = JSON.parse(fs.readFileSync(jestFile, 'utf8'));
  console.log(
    `\nfaults: ${j.numPassedTests} passed, ${j.numFailedTests + j.numRuntimeErrorTestSuites} failed, ${j.numPendingTests} skipped`,
  );
} else {
  console.log('\nfaults: no jest result (the run did not complete)');
}
