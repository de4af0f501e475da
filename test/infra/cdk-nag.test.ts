/**
 * The full synthesis `cdk synth` performs: every function bundled by the local esbuild (no Docker),
 * CloudFormation's template validation, and cdk-nag's AwsSolutions pack registered through
 * `Validations`. A finding that is not acknowledged fails synthesis; this test also reads the report
 * to prove the pack ran and that each acknowledgement carries a reason.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FULL_SYNTH_TIMEOUT_MS, synthesize, type Synthesized } from './support';

interface Violation {
  ruleName: string;
  severity: string;
  violatingResources?: unknown[];
  suppressed?: unknown;
}
interface PluginReport {
  summary?: { pluginName?: string; status?: string };
  pluginName?: string;
  violations?: Violation[];
  suppressedViolations?: (Violation & { reason?: string; acknowledgement?: { reason?: string } })[];
}

let synthesized: Synthesized;
let assembly: CloudAssembly;
beforeAll(() => {
  synthesized = synthesize(undefined, { full: true });
  assembly = synthesized.app.synth();
}, FULL_SYNTH_TIMEOUT_MS);

// The bundles of seven functions are tens of megabytes in the temporary directory the App chose.
afterAll(() => rmSync(assembly.directory, { recursive: true, force: true }));

describe('cdk-nag AwsSolutions', () => {
  it('is registered on the app through Validations', () => {
    const plugins = (synthesized.app as unknown as { _validationPlugins: { name: string }[] })._validationPlugins;
    expect(plugins.map((p) => p.name)).toEqual(expect.arrayContaining([expect.stringMatching(/AwsSolutions/)]));
  });

  it('reports no finding that is not acknowledged, error or warning', () => {
    const report = JSON.parse(readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8')) as { pluginReports: PluginReport[] };
    const open = report.pluginReports.flatMap((r) => (r.violations ?? []).map((v) => `${v.ruleName} (${v.severity})`));
    expect(open).toEqual([]);
  });

  it('gives every acknowledgement a concrete reason', () => {
    const acknowledged = synthesized.app.node
      .findAll()
      .flatMap((construct) => construct.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules').map((m) => [construct.node.path, m.data as Record<string, string>] as const));
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const [where, rules] of acknowledged) {
      for (const [id, reason] of Object.entries(rules)) expect(reason.length, `${id} at ${where}`).toBeGreaterThan(40);
    }
  });

  const bundles = () => {
    const manifestFile = path.join(assembly.directory, `${synthesized.hostcycle.service.artifactId}.assets.json`);
    const files = Object.values((JSON.parse(readFileSync(manifestFile, 'utf8')) as { files: Record<string, { source: { path: string; packaging?: string } }> }).files);
    return files.filter((f) => f.source.packaging === 'zip').map((f) => path.join(assembly.directory, f.source.path, 'index.mjs'));
  };

  it('bundles every function with esbuild into an ES module with its source map', () => {
    expect(bundles()).toHaveLength(synthesized.hostcycle.service.functions.size);
    for (const bundle of bundles()) expect(readFileSync(bundle, 'utf8')).toContain('sourceMappingURL=index.mjs.map');
  });

  it('keeps error class names in the minified bundle, because ASL Retry and Catch match on them', () => {
    // Loaded without its environment, a function fails its cold start with the named configuration error.
    const bundle = pathToFileURL(bundles()[0] as string).href;
    const probe = `import(${JSON.stringify(bundle)}).then(() => console.log('loaded'), (e) => console.log(e.name))`;
    const { stdout } = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', env: { PATH: process.env.PATH }, timeout: 30_000 });
    expect(stdout.trim()).toBe('ConfigurationError');
  });
});
