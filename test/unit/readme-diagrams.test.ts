import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderReadme, renderWorkflow } from '../../scripts/render-workflows';

describe('workflow pictures in the README', () => {
  it('are the ones drawn from the current workflows/*.asl.json (run `npm run diagrams` after changing a workflow)', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(renderReadme(readme, 'workflows')).toBe(readme);
  });

  it('draws choices, caught errors, callback waits and nested Map scopes', () => {
    const chart = renderWorkflow({
      StartAt: 'Pay',
      States: {
        Pay: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Next: 'Paid?', Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Items' }] },
        'Paid?': { Type: 'Choice', Choices: [{ Next: 'Done' }], Default: 'Items' },
        Items: { Type: 'Map', ItemProcessor: { StartAt: 'One', States: { One: { Type: 'Pass', End: true } } }, Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    });
    expect(chart).toContain('Pay["Pay ⏸"]');
    expect(chart).toContain('Paid_{"Paid?"}');
    expect(chart).toContain('Pay -.->|States.Timeout| Items');
    expect(chart).toContain('Paid_ -->|default| Items');
    expect(chart).toContain('subgraph Items["Items (Map)"]');
    expect(chart).toContain('Items_0_One["One"]');
  });
});
