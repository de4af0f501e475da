/**
 * Draws every workflows/*.asl.json as a Mermaid flowchart inside README.md, between the markers
 * `<!-- diagram:<name> -->` and `<!-- /diagram:<name> -->`, so the pictures are rendered from the very
 * definitions that deploy. `--check` exits 1 when the README is out of date (a test runs it).
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

interface State {
  Type: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: { Next: string }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Branches?: { StartAt: string; States: Record<string, State> }[];
  ItemProcessor?: { StartAt: string; States: Record<string, State> };
  Resource?: string;
}

const SHAPE: Record<string, (label: string) => string> = {
  Task: (l) => `["${l}"]`,
  Pass: (l) => `["${l}"]`,
  Choice: (l) => `{"${l}"}`,
  Wait: (l) => `(["${l}"])`,
  Succeed: (l) => `(("${l}"))`,
  Fail: (l) => `(("${l}"))`,
};

/** Renders one scope (the top level, a Parallel branch or a Map's processor); ids are prefixed to stay unique. */
function renderScope(states: Record<string, State>, startAt: string, prefix: string, lines: string[], indent: string): void {
  const id = (name: string) => `${prefix}${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  lines.push(`${indent}${prefix}start((" ")) --> ${id(startAt)}`);
  for (const [name, state] of Object.entries(states)) {
    const label = state.Resource?.endsWith('.waitForTaskToken') ? `${name} ⏸` : name;
    if (state.Type === 'Parallel' || state.Type === 'Map') {
      lines.push(`${indent}subgraph ${id(name)}["${name} (${state.Type})"]`);
      const scopes = state.Type === 'Map' ? [state.ItemProcessor!] : state.Branches!;
      scopes.forEach((scope, i) => renderScope(scope.States, scope.StartAt, `${id(name)}_${i}_`, lines, `${indent}  `));
      lines.push(`${indent}end`);
    } else {
      lines.push(`${indent}${id(name)}${(SHAPE[state.Type] ?? SHAPE.Task!)(label)}`);
    }
    if (state.Type === 'Fail') lines.push(`${indent}class ${id(name)} fail`);
    if (state.Next) lines.push(`${indent}${id(name)} --> ${id(state.Next)}`);
    for (const choice of state.Choices ?? []) lines.push(`${indent}${id(name)} --> ${id(choice.Next)}`);
    if (state.Default) lines.push(`${indent}${id(name)} -->|default| ${id(state.Default)}`);
    for (const c of state.Catch ?? []) lines.push(`${indent}${id(name)} -.->|${c.ErrorEquals.join(', ').replace(/\|/g, '/')}| ${id(c.Next)}`);
  }
}

export function renderWorkflow(definition: { StartAt: string; States: Record<string, State> }): string {
  const lines = ['flowchart TD', '  classDef fail fill:#fde2e2,stroke:#b42318'];
  renderScope(definition.States, definition.StartAt, '', lines, '  ');
  return ['```mermaid', ...lines, '```'].join('\n');
}

export function renderReadme(readme: string, workflowsDir: string): string {
  let out = readme;
  for (const file of readdirSync(workflowsDir).filter((f) => f.endsWith('.asl.json')).sort()) {
    const name = basename(file, '.asl.json');
    const begin = `<!-- diagram:${name} -->`;
    const end = `<!-- /diagram:${name} -->`;
    const from = out.indexOf(begin);
    const to = out.indexOf(end);
    if (from < 0 || to < from) throw new Error(`README.md has no ${begin} … ${end} section for workflows/${file}`);
    const diagram = renderWorkflow(JSON.parse(readFileSync(join(workflowsDir, file), 'utf8')));
    out = `${out.slice(0, from + begin.length)}\n${diagram}\n${out.slice(to)}`;
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const readme = readFileSync('README.md', 'utf8');
  const next = renderReadme(readme, 'workflows');
  if (process.argv.includes('--check')) {
    if (next !== readme) {
      console.error('README.md diagrams are out of date: run `npm run diagrams`');
      process.exit(1);
    }
  } else {
    writeFileSync('README.md', next);
  }
}
