/** The diagram layout on a sample ASL, and where an execution is from its history: unit tests, no runtime. */
import { describe, expect, it } from 'vitest';
import { LAYOUT, layoutWorkflow, placeRow, type Diagram, type DiagramNode } from '../../infra/local/console/layout';
import { executionPosition, type HistoryEventLike } from '../../infra/local/console/position';

const task = (next: string | undefined, extra: Record<string, unknown> = {}) => ({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', ...(next === undefined ? { End: true } : { Next: next }), ...extra });

/** A payment loop with a choice, a catch, a shared failure exit, a Parallel and a Map. */
const sample = {
  QueryLanguage: 'JSONata',
  StartAt: 'Issue',
  States: {
    Issue: task('Wait', { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }] }),
    Wait: task('Route', {
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Catch: [
        { ErrorEquals: ['States.Timeout'], Next: 'Route' },
        { ErrorEquals: ['States.ALL'], Next: 'Failed' },
      ],
    }),
    Route: { Type: 'Choice', Choices: [{ Condition: '{% true %}', Next: 'Remind' }, { Condition: '{% false %}', Next: 'Settle' }], Default: 'Failed' },
    Remind: task('Wait', { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }] }),
    Settle: {
      Type: 'Parallel',
      Next: 'Provision',
      Branches: [
        { StartAt: 'Book', States: { Book: task('Receipt'), Receipt: task(undefined) } },
        { StartAt: 'Notify', States: { Notify: task(undefined) } },
      ],
    },
    Provision: { Type: 'Map', Next: 'Done', ItemProcessor: { StartAt: 'One', States: { One: task(undefined) } } },
    Done: { Type: 'Succeed' },
    Failed: { Type: 'Fail' },
  },
};

const diagram = layoutWorkflow(JSON.stringify(sample));
const node = (d: Diagram, id: string) => {
  const found = d.nodes.find((n) => n.id === id);
  if (found === undefined) throw new Error(`no node ${id}`);
  return found;
};
const edge = (d: Diagram, from: string, to: string) => d.edges.find((e) => e.from === from && e.to === to);
const bottom = (n: DiagramNode) => n.y + n.height;
const overlap = (a: DiagramNode, b: DiagramNode) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('the layered layout of a workflow', () => {
  it('puts StartAt under the start marker and every Next target below its state', () => {
    expect(node(diagram, '^start').y).toBeLessThan(node(diagram, 'Issue').y);
    expect(edge(diagram, '^start', 'Issue')).toBeDefined();
    for (const [from, to] of [['Issue', 'Wait'], ['Wait', 'Route'], ['Route', 'Remind'], ['Route', 'Settle'], ['Settle', 'Provision'], ['Provision', 'Done']]) {
      expect(node(diagram, to as string).y, `${to} below ${from}`).toBeGreaterThanOrEqual(bottom(node(diagram, from as string)) + LAYOUT.rowGap);
    }
  });

  it('draws each kind of transition with its kind, and a catch with the errors it matches', () => {
    expect(edge(diagram, 'Issue', 'Wait')?.kind).toBe('next');
    expect(edge(diagram, 'Route', 'Remind')?.kind).toBe('choice');
    expect(edge(diagram, 'Route', 'Failed')?.kind).toBe('default');
    expect(edge(diagram, 'Wait', 'Route')).toMatchObject({ kind: 'next' });
    expect(diagram.edges.filter((e) => e.from === 'Wait' && e.to === 'Route')).toHaveLength(1);
  });

  it('marks the states that fail into a shared Fail state instead of drawing an arrow from each', () => {
    for (const id of ['Issue', 'Wait', 'Remind']) expect(node(diagram, id).onError).toEqual(['Failed']);
    expect(diagram.edges.filter((e) => e.to === 'Failed' && e.kind === 'catch')).toEqual([]);
    const twoCatchers = layoutWorkflow({ StartAt: 'A', States: { A: task('B', { Catch: [{ ErrorEquals: ['X'], Next: 'F' }] }), B: task(undefined, { Catch: [{ ErrorEquals: ['Y'], Next: 'F' }] }), F: { Type: 'Fail' } } });
    expect(edge(twoCatchers, 'A', 'F')).toMatchObject({ kind: 'catch', label: 'on X' });
  });

  it('routes a loop back up on the right of every state it passes, with its horizontal runs between rows', () => {
    const loop = edge(diagram, 'Remind', 'Wait');
    expect(loop?.back).toBe(true);
    const points = loop?.points ?? [];
    const lane = Math.max(...points.map((p) => p.x));
    const passed = diagram.nodes.filter((n) => n.parent === undefined && n.y >= node(diagram, 'Wait').y && bottom(n) <= bottom(node(diagram, 'Remind')));
    for (const n of passed) expect(lane, `lane right of ${n.id}`).toBeGreaterThan(n.x + n.width);
    for (let i = 1; i < points.length; i++) {
      const [a, b] = [points[i - 1], points[i]] as [{ x: number; y: number }, { x: number; y: number }];
      if (a.y !== b.y) continue;
      for (const n of diagram.nodes.filter((m) => m.type !== 'Parallel' && m.type !== 'Map')) {
        const crosses = a.y > n.y && a.y < bottom(n) && Math.max(a.x, b.x) > n.x && Math.min(a.x, b.x) < n.x + n.width;
        expect(crosses, `horizontal run at y=${a.y} crosses ${n.id}`).toBe(false);
      }
    }
    expect(points.at(-1)?.y).toBe(node(diagram, 'Wait').y);
  });

  it('groups the branches of a Parallel side by side inside its box, and the item processor of a Map inside its box', () => {
    const settle = node(diagram, 'Settle');
    const book = node(diagram, 'Settle/0/Book');
    const notify = node(diagram, 'Settle/1/Notify');
    expect(book.parent).toBe('Settle');
    expect(book.x + book.width).toBeLessThanOrEqual(notify.x);
    expect(book.y).toBe(notify.y);
    for (const inner of [book, notify, node(diagram, 'Settle/0/Receipt')]) {
      expect(inner.x).toBeGreaterThanOrEqual(settle.x);
      expect(inner.x + inner.width).toBeLessThanOrEqual(settle.x + settle.width);
      expect(inner.y).toBeGreaterThanOrEqual(settle.y + LAYOUT.groupHeader);
      expect(bottom(inner)).toBeLessThanOrEqual(bottom(settle));
    }
    const one = node(diagram, 'Provision/One');
    expect(one.parent).toBe('Provision');
    expect(overlap(one, node(diagram, 'Provision'))).toBe(true);
    expect(edge(diagram, 'Settle/0/Book', 'Settle/0/Receipt')).toBeDefined();
  });

  it('lets no two states of one scope overlap, and fits everything in the drawing', () => {
    for (const a of diagram.nodes) {
      for (const b of diagram.nodes) if (a !== b && a.parent === b.parent) expect(overlap(a, b), `${a.id} / ${b.id}`).toBe(false);
      expect(a.x + a.width).toBeLessThanOrEqual(diagram.width);
      expect(bottom(a)).toBeLessThanOrEqual(diagram.height);
    }
    for (const e of diagram.edges) for (const p of e.points) expect(p.x <= diagram.width && p.y <= diagram.height && p.x >= 0 && p.y >= 0, `${e.from} → ${e.to}`).toBe(true);
  });

  it('says which tasks wait for a callback', () => {
    expect(node(diagram, 'Wait').detail).toBe('Task · waits for a callback');
    expect(node(diagram, 'Issue').detail).toBe('Task');
  });
});

describe('placing a row', () => {
  it('keeps states where they want to be when they fit, and pushes them apart evenly when they do not', () => {
    expect(placeRow([0, 100, 300], [50, 50])).toEqual([0, 100, 300]);
    expect(placeRow([100, 100], [60])).toEqual([70, 130]);
  });
});

describe('where an execution is', () => {
  let id = 0;
  const ev = (type: string, previousEventId: number, name?: string): HistoryEventLike => ({
    id: ++id,
    previousEventId,
    type,
    ...(name === undefined ? {} : { stateEnteredEventDetails: { name } }),
  });

  it('is in the task it waits on, having passed the states before it', () => {
    id = 0;
    const events = [ev('ExecutionStarted', 0), ev('TaskStateEntered', 1, 'Issue'), ev('TaskStateExited', 2), ev('TaskStateEntered', 3, 'Wait'), ev('TaskScheduled', 4), ev('TaskSubmitted', 5)];
    expect(executionPosition(events, 'RUNNING')).toEqual({ current: [{ name: 'Wait', count: 1 }], visited: ['Issue', 'Wait'] });
  });

  it('moves on from a state whose error was caught to the state that handles it', () => {
    id = 0;
    const events = [ev('ExecutionStarted', 0), ev('TaskStateEntered', 1, 'Wait'), ev('TaskScheduled', 2), ev('TaskFailed', 3), ev('TaskStateEntered', 4, 'Resolve'), ev('TaskScheduled', 5)];
    expect(executionPosition(events, 'RUNNING').current).toEqual([{ name: 'Resolve', count: 1 }]);
  });

  it('is in every open branch of a Parallel and counts the Map iterations in one state, not the finished ones', () => {
    id = 0;
    const events = [
      ev('ExecutionStarted', 0),
      ev('ParallelStateEntered', 1, 'Settle'), // 2
      ev('ParallelStateStarted', 2), // 3
      ev('TaskStateEntered', 3, 'Book'), // 4
      ev('TaskStateEntered', 3, 'Notify'), // 5
      ev('TaskStateExited', 5), // 6: the Notify branch ended
      ev('TaskScheduled', 4), // 7
      ev('MapStateEntered', 1, 'Provision'), // 8 (a second thread, for the sake of the test)
      ev('MapStateStarted', 8), // 9
      ev('MapIterationStarted', 9), // 10
      ev('TaskStateEntered', 10, 'One'), // 11
      ev('MapIterationStarted', 9), // 12
      ev('TaskStateEntered', 12, 'One'), // 13
    ];
    expect(executionPosition(events, 'RUNNING').current).toEqual([
      { name: 'Book', count: 1 },
      { name: 'One', count: 2 },
    ]);
  });

  it('has ended where its last event puts it once it stopped', () => {
    id = 0;
    const events = [ev('ExecutionStarted', 0), ev('ChoiceStateEntered', 1, 'IsApproved'), ev('ChoiceStateExited', 2), ev('SucceedStateEntered', 3, 'Approved'), ev('SucceedStateExited', 4), ev('ExecutionSucceeded', 5)];
    expect(executionPosition(events, 'SUCCEEDED')).toEqual({ current: [{ name: 'Approved', count: 1 }], visited: ['IsApproved', 'Approved'] });
  });
});
