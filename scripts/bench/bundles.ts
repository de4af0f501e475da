/**
 * Figure 4: the minified bundle of every Lambda in functions/lambda/manifest.ts, built with the
 * options of the CDK construct (infra/aws/constructs/hostcycle-function.ts: ESM, node24 target — the
 * runtime it deploys — minified, keepNames, module-first main fields, the createRequire banner, no
 * externals), and the packages its bytes come from (esbuild's metafile).
 */
import { build } from 'esbuild';
import { FUNCTIONS } from '../../functions/lambda/manifest';

const BANNER = "import { createRequire as __hostcycleCreateRequire } from 'node:module'; const require = __hostcycleCreateRequire(import.meta.url);";

export interface BundleSize {
  name: string;
  entry: string;
  bytes: number;
  /** Bytes in the output by package (`(project)` for the repository's own code), largest first. */
  topPackages: { name: string; bytes: number }[];
}

function packageOf(path: string): string {
  const at = path.lastIndexOf('node_modules/');
  if (at < 0) return '(project)';
  const rest = path.slice(at + 'node_modules/'.length).split('/');
  return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] as string);
}

export async function bundleSizes(): Promise<BundleSize[]> {
  const sizes: BundleSize[] = [];
  for (const f of FUNCTIONS) {
    const out = await build({
      entryPoints: [f.entry],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      minify: true,
      keepNames: true,
      mainFields: ['module', 'main'],
      banner: { js: BANNER },
      metafile: true,
      outfile: `out/${f.name}.mjs`,
      logLevel: 'silent',
    });
    const file = out.outputFiles.find((o) => o.path.endsWith('.mjs'));
    if (!file) throw new Error(`esbuild produced no bundle for ${f.entry}`);
    const byPackage: Record<string, number> = {};
    for (const output of Object.values(out.metafile.outputs)) {
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) byPackage[packageOf(input)] = (byPackage[packageOf(input)] ?? 0) + bytesInOutput;
    }
    const topPackages = Object.entries(byPackage)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([name, bytes]) => ({ name, bytes }));
    sizes.push({ name: f.name, entry: f.entry, bytes: file.contents.byteLength, topPackages });
  }
  return sizes.sort((a, b) => b.bytes - a.bytes);
}
