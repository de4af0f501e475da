// Runs the whole test suite once and ends with the plain summary line CI reads:
// "N passed, N failed[, N skipped]". Vitest's own summary is for people; the JSON report is the count.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';

const report = '.reports/vitest.json';
mkdirSync('.reports', { recursive: true });
if (existsSync(report)) rmSync(report);

const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)];
const run = spawnSync('npx', args, { stdio: 'inherit' });

if (!existsSync(report)) {
  console.error('test: vitest wrote no JSON report; it did not run to completion');
  console.log('0 passed, 1 failed');
  process.exit(run.status || 1);
}
const r = JSON.parse(readFileSync(report, 'utf8'));
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
// A suite that fails to load counts as a failure even though it has no test results.
const brokenSuites = (r.testResults ?? []).filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
const failed = r.numFailedTests + brokenSuites;
console.log(`${r.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || r.numTotalTests === 0 ? 1 : (run.status ?? 1));
