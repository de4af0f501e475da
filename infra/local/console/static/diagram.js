// Draws a workflow diagram laid out by the server (infra/local/console/layout.ts) as SVG, marking the
// states an execution is in and those it passed through. Built with DOM calls, never markup strings,
// so a state name can never become markup.

const SVG = 'http://www.w3.org/2000/svg';
let diagramCount = 0;

function el(name, attributes = {}, children = []) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  for (const child of children) node.append(child);
  return node;
}

function text(x, y, className, content) {
  const t = el('text', { x, y, class: className });
  t.textContent = content;
  return t;
}

const round = (n) => Math.round(n * 10) / 10;

/** A polyline with slightly rounded corners, so arrows that bend read as one line. */
function pathOf(points) {
  if (points.length === 0) return '';
  const [first, ...rest] = points;
  let d = `M${round(first.x)} ${round(first.y)}`;
  rest.forEach((p, i) => {
    const prev = points[i];
    const next = rest[i + 1];
    if (next === undefined) {
      d += ` L${round(p.x)} ${round(p.y)}`;
      return;
    }
    const r = Math.min(8, Math.hypot(p.x - prev.x, p.y - prev.y) / 2, Math.hypot(next.x - p.x, next.y - p.y) / 2);
    const before = towards(p, prev, r);
    const after = towards(p, next, r);
    d += ` L${round(before.x)} ${round(before.y)} Q${round(p.x)} ${round(p.y)} ${round(after.x)} ${round(after.y)}`;
  });
  return d;
}

function towards(from, to, distance) {
  const length = Math.hypot(to.x - from.x, to.y - from.y) || 1;
  return { x: from.x + ((to.x - from.x) * distance) / length, y: from.y + ((to.y - from.y) * distance) / length };
}

/**
 * @param diagram  { width, height, nodes, edges } from GET /api/workflows
 * @param position { current: [{ name, count }], visited: [name] } or undefined for the bare workflow
 * @param title    what the picture shows, for screen readers (a text summary sits next to it too)
 */
export function renderDiagram(diagram, position, title) {
  const id = `d${++diagramCount}`;
  const current = new Map((position?.current ?? []).map((c) => [c.name, c.count]));
  const visited = new Set(position?.visited ?? []);
  const svg = el('svg', {
    class: 'diagram',
    width: Math.ceil(diagram.width),
    height: Math.ceil(diagram.height),
    viewBox: `0 0 ${Math.ceil(diagram.width)} ${Math.ceil(diagram.height)}`,
    role: 'img',
    'aria-labelledby': `${id}-title`,
  });
  svg.append(el('title', { id: `${id}-title` }, [title]));

  const markers = el('defs');
  for (const [kind, colour] of [['next', '#5a6472'], ['choice', '#1f5fbf'], ['default', '#1f5fbf'], ['catch', '#b3261e']]) {
    markers.append(
      el('marker', { id: `${id}-arrow-${kind}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, [
        el('path', { d: 'M0 0 L10 5 L0 10 z', fill: colour }),
      ]),
    );
  }
  svg.append(markers);

  const stateClass = (node) => {
    const classes = [`type-${node.type}`];
    if (current.has(node.name)) classes.push('current');
    else if (visited.has(node.name)) classes.push('visited');
    return classes.join(' ');
  };

  // Boxes of Parallel/Map states first, so the states they hold are drawn on top.
  for (const node of diagram.nodes.filter((n) => n.type === 'Parallel' || n.type === 'Map')) {
    const g = el('g', { class: `group ${stateClass(node)}`, 'data-state': node.name });
    if (node.type === 'Map') g.append(el('rect', { class: 'stack', x: node.x + 4, y: node.y + 4, width: node.width, height: node.height, rx: 8 }));
    g.append(el('rect', { x: node.x, y: node.y, width: node.width, height: node.height, rx: 8 }));
    g.append(text(node.x + 10, node.y + 19, 'name', node.name));
    const detail = text(node.x + node.width - 10, node.y + 19, 'detail', node.detail);
    detail.setAttribute('text-anchor', 'end');
    g.append(detail);
    svg.append(g);
  }

  for (const edge of diagram.edges) {
    const line = el('path', { class: `edge kind-${edge.kind}`, d: pathOf(edge.points), 'marker-end': `url(#${id}-arrow-${edge.kind})` });
    if (edge.label) line.append(el('title', {}, [edge.label]));
    svg.append(line);
  }

  for (const node of diagram.nodes) {
    if (node.type === 'Parallel' || node.type === 'Map') continue;
    if (node.type === 'Start') {
      svg.append(el('circle', { class: 'start', cx: node.x + node.width / 2, cy: node.y + node.height / 2, r: node.width / 2 }));
      continue;
    }
    const g = el('g', { class: `state ${stateClass(node)}`, 'data-state': node.name });
    g.append(el('rect', { x: node.x, y: node.y, width: node.width, height: node.height, rx: node.end ? 18 : 5 }));
    const cx = node.x + node.width / 2;
    const nameText = text(cx, node.y + 19, 'name', node.name);
    nameText.setAttribute('text-anchor', 'middle');
    const detailText = text(cx, node.y + 34, 'detail', current.get(node.name) > 1 ? `${node.detail} · ×${current.get(node.name)}` : node.detail);
    detailText.setAttribute('text-anchor', 'middle');
    g.append(nameText, detailText);
    if (node.onError) {
      // A shared failure exit (see layout.ts): a mark in the corner instead of an arrow.
      const mark = el('g', { class: 'on-error' }, [
        el('title', {}, [`on error: ${node.onError.join(', ')}`]),
        el('circle', { cx: node.x + node.width - 2, cy: node.y + 2, r: 7 }),
        text(node.x + node.width - 2, node.y + 6, 'on-error-text', '!'),
      ]);
      mark.lastChild.setAttribute('text-anchor', 'middle');
      g.append(mark);
    }
    svg.append(g);
  }
  return svg;
}
