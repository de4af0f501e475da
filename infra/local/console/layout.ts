/**
 * Lays out a workflow (ASL) as a top-to-bottom diagram for the staff console, in the layered
 * (Sugiyama) style: states on rows by longest path from StartAt, edges that span rows bent through
 * invisible waypoints, rows ordered by barycentres to cut crossings, and each row placed as close as
 * possible under its predecessors. Edges that go back up (a wait loop) run in lanes to the right of
 * everything they pass, so they never cross a state. Parallel and Map states are boxes holding the
 * layout of their branches / item processor.
 *
 * The output is plain geometry; the browser draws it (static/diagram.js) and highlights states by name.
 */
import { z } from 'zod';

export type EdgeKind = 'next' | 'choice' | 'default' | 'catch';

export interface DiagramNode {
  /** Unique in the diagram: the state's path, e.g. `ProvisionItems/ProvisionItem` or `Split/1/Check`. */
  id: string;
  /** The state name, as history events name it; a start marker has the name of its scope's StartAt. */
  name: string;
  type: 'Start' | 'Task' | 'Pass' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Parallel' | 'Map';
  /** A short second line, e.g. `Task · waits for a callback`. */
  detail: string;
  /** The Parallel/Map node this one is inside, if any. */
  parent?: string;
  /** The state ends its scope (End: true, Succeed, Fail). */
  end: boolean;
  /** Fail states this state goes to on error, drawn as a mark rather than an arrow (a shared failure exit). */
  onError?: string[];
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DiagramEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** Why the edge is taken, when the kind alone does not say (the errors a Catch matches). */
  label?: string;
  /** Goes up or sideways: a loop back to an earlier state. */
  back: boolean;
  points: { x: number; y: number }[];
}

export interface Diagram {
  width: number;
  height: number;
  /** Parents come before their children, so drawing in order puts boxes behind what they hold. */
  nodes: DiagramNode[];
  edges: DiagramEdge[];
}

interface Scope {
  StartAt: string;
  States: Record<string, State>;
}

interface State {
  Type: string;
  Next?: string | undefined;
  End?: boolean | undefined;
  Default?: string | undefined;
  Resource?: string | undefined;
  Choices?: { Next: string }[] | undefined;
  Catch?: { ErrorEquals: string[]; Next: string }[] | undefined;
  Branches?: Scope[] | undefined;
  ItemProcessor?: Scope | undefined;
  Iterator?: Scope | undefined;
}

// Only what the layout reads; the engine validated the rest when it loaded the definition.
const stateSchema: z.ZodType<State> = z.lazy(() =>
  z.looseObject({
    Type: z.string(),
    Next: z.string().optional(),
    End: z.boolean().optional(),
    Default: z.string().optional(),
    Resource: z.string().optional(),
    Choices: z.array(z.looseObject({ Next: z.string() })).optional(),
    Catch: z.array(z.looseObject({ ErrorEquals: z.array(z.string()), Next: z.string() })).optional(),
    Branches: z.array(scopeSchema).optional(),
    ItemProcessor: scopeSchema.optional(),
    Iterator: scopeSchema.optional(),
  }),
);
const scopeSchema: z.ZodType<Scope> = z.lazy(() => z.looseObject({ StartAt: z.string(), States: z.record(z.string(), stateSchema) }));

/** Geometry, in SVG user units (px at 100%). */
export const LAYOUT = {
  nodeHeight: 44,
  minNodeWidth: 120,
  maxNodeWidth: 280,
  /** Average advance of a 13px system sans-serif character, to size boxes to their labels. */
  charWidth: 7.4,
  startSize: 14,
  columnGap: 28,
  rowGap: 40,
  groupHeader: 30,
  groupPadding: 14,
  branchGap: 18,
  laneGap: 12,
  /** How many states must catch into one Fail state for it to be drawn as a shared exit, without arrows. */
  sharedFailureExit: 3,
  margin: 16,
} as const;

const KNOWN_TYPES = new Set<DiagramNode['type']>(['Task', 'Pass', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map']);

/** Lays out a definition (its text, as DescribeStateMachine returns it, or the parsed object). */
export function layoutWorkflow(definition: string | unknown): Diagram {
  const parsed = scopeSchema.parse(typeof definition === 'string' ? JSON.parse(definition) : definition);
  const scope = layoutScope(parsed, '', undefined);
  const shifted = translate(scope, LAYOUT.margin, LAYOUT.margin);
  // Tenths of a pixel are as sharp as a screen gets, and keep the JSON short.
  const r = (n: number) => Math.round(n * 10) / 10;
  return {
    width: Math.ceil(scope.width + 2 * LAYOUT.margin),
    height: Math.ceil(scope.height + 2 * LAYOUT.margin),
    nodes: shifted.nodes.map((n) => ({ ...n, x: r(n.x), y: r(n.y), width: r(n.width), height: r(n.height) })),
    edges: shifted.edges.map((e) => ({ ...e, points: e.points.map((p) => ({ x: r(p.x), y: r(p.y) })) })),
  };
}

interface ScopeLayout {
  width: number;
  height: number;
  nodes: DiagramNode[];
  edges: DiagramEdge[];
}

/** A box in a row: a state, the scope's start marker, or a waypoint of an edge spanning rows. */
interface Slot {
  key: string;
  width: number;
  height: number;
  layer: number;
  order: number;
  x: number;
  dummy: boolean;
  /** For a composite state: its inner layout, placed inside the box. */
  inner?: ScopeLayout;
  node?: Omit<DiagramNode, 'x' | 'y' | 'width' | 'height'>;
}

interface RawEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  label?: string;
}

function detailOf(state: State): string {
  if (state.Type === 'Task') {
    if (state.Resource?.endsWith('.waitForTaskToken')) return 'Task · waits for a callback';
    if (state.Resource?.endsWith('.sync')) return 'Task · waits for completion';
    return 'Task';
  }
  if (state.Type === 'Map') return 'Map · for each item';
  if (state.Type === 'Parallel') return `Parallel · ${state.Branches?.length ?? 0} branches`;
  return state.Type;
}

function edgesOf(name: string, state: State): RawEdge[] {
  const out: RawEdge[] = [];
  const add = (e: RawEdge) => {
    // A Choice may send several rules (or a rule and its Default) to one state: one arrow is enough.
    if (!out.some((o) => o.to === e.to)) out.push(e);
  };
  for (const choice of state.Choices ?? []) add({ from: name, to: choice.Next, kind: 'choice' });
  if (state.Default !== undefined) add({ from: name, to: state.Default, kind: 'default' });
  if (state.Next !== undefined) add({ from: name, to: state.Next, kind: 'next' });
  for (const c of state.Catch ?? []) add({ from: name, to: c.Next, kind: 'catch', label: `on ${c.ErrorEquals.join(', ')}` });
  return out;
}

function layoutScope(scope: Scope, prefix: string, parent: string | undefined): ScopeLayout {
  const idOf = (name: string) => `${prefix}${name}`;
  const START = `${prefix}^start`;
  const names = Object.keys(scope.States);
  const slots = new Map<string, Slot>();

  slots.set(START, {
    key: START,
    width: LAYOUT.startSize,
    height: LAYOUT.startSize,
    layer: 0,
    order: 0,
    x: 0,
    dummy: false,
    node: { id: START, name: scope.StartAt, type: 'Start', detail: 'Start', end: false },
  });
  for (const name of names) {
    const state = scope.States[name] as State;
    const id = idOf(name);
    const type = KNOWN_TYPES.has(state.Type as DiagramNode['type']) ? (state.Type as DiagramNode['type']) : 'Task';
    const node = { id, name, type, detail: detailOf(state), end: state.End === true || type === 'Succeed' || type === 'Fail' };
    let inner: ScopeLayout | undefined;
    if (state.Type === 'Parallel') inner = sideBySide((state.Branches ?? []).map((b, i) => layoutScope(b, `${id}/${i}/`, id)));
    const processor = state.ItemProcessor ?? state.Iterator;
    if (state.Type === 'Map' && processor !== undefined) inner = layoutScope(processor, `${id}/`, id);
    // A state shows its name over its detail; a box shows both on one header line.
    const labelWidth =
      inner === undefined
        ? Math.min(LAYOUT.maxNodeWidth, Math.max(LAYOUT.minNodeWidth, Math.ceil(Math.max(name.length, node.detail.length * 0.85) * LAYOUT.charWidth) + 28))
        : Math.ceil((name.length + node.detail.length * 0.85) * LAYOUT.charWidth) + 48;
    const width = inner === undefined ? labelWidth : Math.max(labelWidth, inner.width + 2 * LAYOUT.groupPadding);
    const height = inner === undefined ? LAYOUT.nodeHeight : inner.height + LAYOUT.groupHeader + LAYOUT.groupPadding;
    slots.set(id, { key: id, width, height, layer: 0, order: 0, x: 0, dummy: false, ...(inner === undefined ? {} : { inner }), node });
  }

  // A Fail state that many states catch into is drawn once, unconnected, and each state that goes
  // there on error carries a mark naming it: two dozen arrows into one box would hide the main flow.
  const catchers = new Map<string, Set<string>>();
  for (const name of names) {
    for (const e of edgesOf(name, scope.States[name] as State)) {
      if (e.kind === 'catch' && scope.States[e.to]?.Type === 'Fail') catchers.set(e.to, (catchers.get(e.to) ?? new Set()).add(name));
    }
  }
  const sharedExits = new Set([...catchers].filter(([, from]) => from.size >= LAYOUT.sharedFailureExit).map(([to]) => to));

  const raw: RawEdge[] = [{ from: START, to: idOf(scope.StartAt), kind: 'next' }];
  for (const name of names) {
    for (const e of edgesOf(name, scope.States[name] as State)) {
      // A dangling Next would have been rejected by the engine; skip rather than draw into nothing.
      if (scope.States[e.to] === undefined) continue;
      if (e.kind === 'catch' && sharedExits.has(e.to)) {
        const node = (slots.get(idOf(name)) as Slot).node as NonNullable<Slot['node']>;
        node.onError = [...(node.onError ?? []), e.to];
        continue;
      }
      raw.push({ ...e, from: idOf(name), to: idOf(e.to) });
    }
  }

  // ——— back edges: those closing a cycle in a depth-first walk from the start ———
  const outgoing = new Map<string, RawEdge[]>();
  for (const e of raw) outgoing.set(e.from, [...(outgoing.get(e.from) ?? []), e]);
  const colour = new Map<string, 'grey' | 'black'>();
  const back = new Set<RawEdge>();
  const discovery: string[] = [];
  const finish: string[] = [];
  const visit = (root: string) => {
    const stack: { key: string; next: number }[] = [{ key: root, next: 0 }];
    colour.set(root, 'grey');
    discovery.push(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { key: string; next: number };
      const edges = outgoing.get(top.key) ?? [];
      if (top.next >= edges.length) {
        colour.set(top.key, 'black');
        finish.push(top.key);
        stack.pop();
        continue;
      }
      const e = edges[top.next++] as RawEdge;
      const c = colour.get(e.to);
      if (c === 'grey') back.add(e);
      else if (c === undefined) {
        colour.set(e.to, 'grey');
        discovery.push(e.to);
        stack.push({ key: e.to, next: 0 });
      }
    }
  };
  visit(START);
  for (const name of names) if (!colour.has(idOf(name))) visit(idOf(name));

  // ——— rows: longest path over the forward edges, in topological (reverse finishing) order ———
  const forward = raw.filter((e) => !back.has(e));
  for (const key of [...finish].reverse()) {
    const slot = slots.get(key) as Slot;
    for (const e of forward) if (e.from === key) (slots.get(e.to) as Slot).layer = Math.max((slots.get(e.to) as Slot).layer, slot.layer + 1);
  }

  // ——— waypoints for forward edges spanning several rows ———
  const chains = new Map<RawEdge, string[]>();
  for (const e of forward) {
    const from = slots.get(e.from) as Slot;
    const to = slots.get(e.to) as Slot;
    const chain = [e.from];
    for (let layer = from.layer + 1; layer < to.layer; layer++) {
      const key = `${e.from}->${e.to}@${layer}`;
      slots.set(key, { key, width: 2, height: 0, layer, order: 0, x: 0, dummy: true });
      chain.push(key);
    }
    chain.push(e.to);
    chains.set(e, chain);
  }
  const links: [string, string][] = [...chains.values()].flatMap((chain) => chain.slice(1).map((k, i) => [chain[i] as string, k] as [string, string]));
  const preds = new Map<string, string[]>();
  const succs = new Map<string, string[]>();
  for (const [a, b] of links) {
    preds.set(b, [...(preds.get(b) ?? []), a]);
    succs.set(a, [...(succs.get(a) ?? []), b]);
  }

  // ——— order within rows: discovery order, then barycentre sweeps, keeping the fewest crossings ———
  const layerCount = Math.max(...[...slots.values()].map((s) => s.layer)) + 1;
  const rows: Slot[][] = Array.from({ length: layerCount }, () => []);
  const rank = new Map(discovery.map((k, i) => [k, i]));
  const byDiscovery = [...slots.values()].sort((a, b) => (rank.get(a.key) ?? rank.get(a.key.split('->')[0] as string) ?? 0) - (rank.get(b.key) ?? rank.get(b.key.split('->')[0] as string) ?? 0));
  for (const slot of byDiscovery) (rows[slot.layer] as Slot[]).push(slot);
  const renumber = () => rows.forEach((row) => row.forEach((s, i) => (s.order = i)));
  renumber();
  const crossings = () => {
    let count = 0;
    for (let i = 0; i < links.length; i++) {
      for (let j = i + 1; j < links.length; j++) {
        const [a1, b1] = links[i] as [string, string];
        const [a2, b2] = links[j] as [string, string];
        const s1 = slots.get(a1) as Slot;
        const s2 = slots.get(a2) as Slot;
        if (s1.layer !== s2.layer) continue;
        const d1 = s1.order - s2.order;
        const d2 = (slots.get(b1) as Slot).order - (slots.get(b2) as Slot).order;
        if (d1 * d2 < 0) count++;
      }
    }
    return count;
  };
  let best = { crossings: crossings(), orders: new Map([...slots.values()].map((s) => [s.key, s.order])) };
  for (let sweep = 0; sweep < 8 && best.crossings > 0; sweep++) {
    const down = sweep % 2 === 0;
    const sequence = down ? rows.slice(1) : rows.slice(0, -1).reverse();
    for (const row of sequence) {
      const centre = (s: Slot) => {
        const neighbours = (down ? preds : succs).get(s.key) ?? [];
        return neighbours.length === 0 ? s.order : neighbours.reduce((sum, k) => sum + (slots.get(k) as Slot).order, 0) / neighbours.length;
      };
      const weights = new Map(row.map((s) => [s.key, centre(s)]));
      row.sort((a, b) => (weights.get(a.key) as number) - (weights.get(b.key) as number) || a.order - b.order);
      row.forEach((s, i) => (s.order = i));
    }
    const count = crossings();
    if (count < best.crossings) best = { crossings: count, orders: new Map([...slots.values()].map((s) => [s.key, s.order])) };
  }
  for (const row of rows) row.sort((a, b) => (best.orders.get(a.key) as number) - (best.orders.get(b.key) as number));
  renumber();

  // ——— x: pack each row, then pull each state under (or over) its neighbours ———
  const gapBetween = (a: Slot, b: Slot) => (a.dummy || b.dummy ? LAYOUT.columnGap / 2 : LAYOUT.columnGap);
  for (const row of rows) {
    let x = 0;
    row.forEach((s, i) => {
      if (i > 0) x += gapBetween(row[i - 1] as Slot, s);
      s.x = x + s.width / 2;
      x += s.width;
    });
  }
  for (let pass = 0; pass < 6; pass++) {
    const down = pass % 2 === 0;
    for (const row of down ? rows.slice(1) : rows.slice(0, -1).reverse()) {
      const desired = row.map((s) => {
        const neighbours = (down ? preds : succs).get(s.key) ?? [];
        return neighbours.length === 0 ? s.x : neighbours.reduce((sum, k) => sum + (slots.get(k) as Slot).x, 0) / neighbours.length;
      });
      const separations = row.slice(1).map((s, i) => ((row[i] as Slot).width + s.width) / 2 + gapBetween(row[i] as Slot, s));
      placeRow(desired, separations).forEach((x, i) => ((row[i] as Slot).x = x));
    }
  }
  const left = Math.min(...[...slots.values()].map((s) => s.x - s.width / 2));
  for (const s of slots.values()) s.x -= left;

  // ——— y: rows stacked, states at the top of their row, so an arrow into a short state beside a tall
  // Parallel/Map box ends above the box rather than crossing it ———
  const rowTop: number[] = [];
  const rowHeight = rows.map((row) => Math.max(0, ...row.map((s) => s.height)));
  rowHeight.forEach((h, i) => rowTop.push(i === 0 ? 0 : (rowTop[i - 1] as number) + (rowHeight[i - 1] as number) + LAYOUT.rowGap));
  const top = (s: Slot) => rowTop[s.layer] as number;

  const nodes: DiagramNode[] = [];
  for (const s of slots.values()) {
    if (s.node === undefined) continue;
    const box = { x: s.x - s.width / 2, y: top(s), width: s.width, height: s.height };
    nodes.push({ ...s.node, ...(parent === undefined ? {} : { parent }), ...box });
  }
  const contentWidth = Math.max(...[...slots.values()].map((s) => s.x + s.width / 2));

  const edges: DiagramEdge[] = [];
  for (const [e, chain] of chains) {
    const points = chain.map((key, i) => {
      const s = slots.get(key) as Slot;
      if (i === 0) return [{ x: s.x, y: top(s) + s.height }];
      if (i === chain.length - 1) return [{ x: s.x, y: top(s) }];
      return [
        { x: s.x, y: rowTop[s.layer] as number },
        { x: s.x, y: (rowTop[s.layer] as number) + (rowHeight[s.layer] as number) },
      ];
    });
    edges.push({ from: e.from, to: e.to, kind: e.kind, ...(e.label === undefined ? {} : { label: e.label }), back: false, points: points.flat() });
  }
  // A loop leaves its state downwards, runs right in the gap under the row, up a lane of its own to
  // the right of every row it passes, and left in the gap above its target: horizontal runs stay in
  // the gaps between rows, so they cross arrows but never a state.
  [...back].forEach((e, lane) => {
    const from = slots.get(e.from) as Slot;
    const to = slots.get(e.to) as Slot;
    const spanned = [...slots.values()].filter((s) => s.layer >= to.layer && s.layer <= from.layer);
    const laneX = Math.max(...spanned.map((s) => s.x + s.width / 2)) + LAYOUT.laneGap * (1 + lane);
    const inGap = 6 + (lane % 5) * 6;
    const below = (rowTop[from.layer] as number) + (rowHeight[from.layer] as number) + inGap;
    const above = (rowTop[to.layer] as number) - inGap;
    const exitX = from.x + from.width / 4;
    const entryX = to.x + to.width / 4;
    edges.push({
      from: e.from,
      to: e.to,
      kind: e.kind,
      ...(e.label === undefined ? {} : { label: e.label }),
      back: true,
      points: [
        { x: exitX, y: top(from) + from.height },
        { x: exitX, y: below },
        { x: laneX, y: below },
        { x: laneX, y: above },
        { x: entryX, y: above },
        { x: entryX, y: top(to) },
      ],
    });
  });
  const width = Math.max(contentWidth, ...edges.flatMap((e) => e.points.map((p) => p.x)));
  const height = Math.max(...edges.flatMap((e) => e.points.map((p) => p.y)), (rowTop[layerCount - 1] as number) + (rowHeight[layerCount - 1] as number));

  // Composite states: their inner layout, moved into the box under its header.
  for (const s of slots.values()) {
    if (s.inner === undefined) continue;
    const inner = translate(s.inner, s.x - s.inner.width / 2, top(s) + LAYOUT.groupHeader);
    nodes.push(...inner.nodes);
    edges.push(...inner.edges);
  }
  return { width, height, nodes, edges };
}

/** Parallel branches next to each other, top-aligned. */
function sideBySide(branches: ScopeLayout[]): ScopeLayout {
  const out: ScopeLayout = { width: 0, height: 0, nodes: [], edges: [] };
  for (const branch of branches) {
    const x = out.width === 0 ? 0 : out.width + LAYOUT.branchGap;
    const moved = translate(branch, x, 0);
    out.nodes.push(...moved.nodes);
    out.edges.push(...moved.edges);
    out.width = x + branch.width;
    out.height = Math.max(out.height, branch.height);
  }
  return out;
}

function translate(layout: ScopeLayout, dx: number, dy: number): ScopeLayout {
  return {
    width: layout.width,
    height: layout.height,
    nodes: layout.nodes.map((n) => ({ ...n, x: n.x + dx, y: n.y + dy })),
    edges: layout.edges.map((e) => ({ ...e, points: e.points.map((p) => ({ x: p.x + dx, y: p.y + dy })) })),
  };
}

/**
 * Centres as close as possible (least squares) to `desired`, in the given order, with at least
 * `separations[i]` between centre i and i+1: with offsets o, y = x - o must be non-decreasing, which
 * is isotonic regression, solved exactly by pooling adjacent violators.
 */
export function placeRow(desired: number[], separations: number[]): number[] {
  const offsets = desired.map((_, i) => separations.slice(0, i).reduce((a, b) => a + b, 0));
  const blocks: { sum: number; count: number }[] = [];
  desired.forEach((d, i) => {
    blocks.push({ sum: d - (offsets[i] as number), count: 1 });
    for (;;) {
      const last = blocks[blocks.length - 1] as { sum: number; count: number };
      const prev = blocks[blocks.length - 2];
      if (prev === undefined || prev.sum / prev.count <= last.sum / last.count) break;
      blocks.pop();
      prev.sum += last.sum;
      prev.count += last.count;
    }
  });
  return blocks.flatMap((b) => Array.from({ length: b.count }, () => b.sum / b.count)).map((y, i) => y + (offsets[i] as number));
}
