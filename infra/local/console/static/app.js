// The staff console page: approvals, customers with their timeline and workflow diagrams, the clock.
// Plain DOM: every piece of data goes in through textContent or attributes, never through markup.
import { api, ApiError } from './api.js';
import { renderDiagram } from './diagram.js';

const STAFF_ID_KEY = 'hostcycle.console.staffId';
const KIND_LABELS = {
  order_review: 'Order review',
  deferral: 'Payment deferral',
  refund: 'Refund',
  withdrawal: 'Withdrawal',
  provisioning_failure: 'Provisioning failure',
};
const ADVANCE_LABELS = { '1h': '1 hour', '1d': '1 day', '7d': '7 days', '30d': '30 days' };

const $ = (id) => document.getElementById(id);
const state = { overview: undefined, diagrams: new Map(), customerId: undefined, localTime: undefined, advanceToEdited: false };

// ——— small DOM helpers ———

function h(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (key === 'text') node.textContent = value;
    else if (key === 'className') node.className = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== undefined && child !== null) node.append(child);
  return node;
}

const utcFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
const formatUtc = (iso) => `${utcFormat.format(new Date(iso))} UTC`;
const safeId = (value) => value.replace(/[^A-Za-z0-9_-]/g, '_');
const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;
/** `processingDeadline` → `Processing deadline`: detail keys are camelCase in the approval context. */
const humanise = (key) => key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().replace(/^./, (c) => c.toUpperCase());

function announce(message) {
  $('alert').hidden = true;
  // Emptied first so that the same message twice is still read out.
  $('status').textContent = '';
  requestAnimationFrame(() => ($('status').textContent = message));
}

function complain(message) {
  $('status').textContent = '';
  $('alert').textContent = message;
  $('alert').hidden = false;
}

async function busy(buttons, work) {
  for (const b of buttons) b.disabled = true;
  try {
    return await work();
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

// ——— clock ———

function renderClock(clock) {
  const time = $('clock-now');
  time.dateTime = clock.now;
  time.textContent = formatUtc(clock.now);
  const mode = clock.mode === 'virtual' ? 'virtual: moves only when advanced' : clock.mode === 'real' ? 'real time' : `${clock.speed}× real time`;
  $('clock-mode').textContent = mode;
  if (state.localTime) $('clock-local').textContent = `${state.localTime.format(new Date(clock.now))} at the provider (${state.overview.timeZone})`;
  const select = $('clock-mode-select');
  const value = clock.mode === 'speed' ? String(clock.speed) : clock.mode;
  // A speed chosen at start (npm start -- --speed 100) that the list does not offer joins it.
  if (![...select.options].some((o) => o.value === value)) select.append(h('option', { value, text: `${clock.speed}×` }));
  select.value = value;
  // Follows the clock until someone types a target of their own.
  if (!state.advanceToEdited) $('advance-to-input').value = clock.now.slice(0, 16);
}

async function advance(body, description) {
  const buttons = [...document.querySelectorAll('[data-advance], #advance-to button')];
  announce(`Advancing the clock ${description}…`);
  try {
    const clock = await busy(buttons, () => api('/api/clock/advance', { method: 'POST', body }));
    renderClock(clock);
    announce(`Clock advanced ${description}; it is now ${formatUtc(clock.now)}.`);
    await Promise.all([loadApprovals(), state.customerId ? loadCustomer(state.customerId, { focus: false }) : undefined]);
  } catch (error) {
    complain(`The clock was not advanced: ${error.message}`);
  }
}

function setUpClock() {
  for (const button of document.querySelectorAll('[data-advance]')) {
    button.addEventListener('click', () => advance({ by: button.dataset.advance }, `by ${ADVANCE_LABELS[button.dataset.advance]}`));
  }
  $('advance-to-input').addEventListener('input', () => (state.advanceToEdited = true));
  $('advance-to').addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = $('advance-to-input').value;
    const to = new Date(`${value.length === 16 ? `${value}:00` : value}Z`);
    if (Number.isNaN(to.getTime())) return complain('Advance to: enter a date and time.');
    state.advanceToEdited = false;
    await advance({ to: to.toISOString() }, `to ${formatUtc(to.toISOString())}`);
  });
  $('clock-mode-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = $('clock-mode-select').value;
    const body = value === 'virtual' || value === 'real' ? { mode: value } : { mode: 'speed', speed: Number(value) };
    try {
      const clock = await api('/api/clock/mode', { method: 'POST', body });
      renderClock(clock);
      announce(`The clock now runs ${$('clock-mode').textContent}.`);
    } catch (error) {
      complain(`The clock mode was not changed: ${error.message}`);
    }
  });
}

// ——— staff identity ———

function staffId() {
  return localStorage.getItem(STAFF_ID_KEY) ?? '';
}

function setUpIdentity() {
  const input = $('staff-id');
  input.value = staffId();
  $('identity').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = input.value.trim();
    localStorage.setItem(STAFF_ID_KEY, value);
    announce(`Decisions are now recorded as ${value}.`);
  });
}

// ——— approvals ———

function approvalCard(a) {
  const key = safeId(a.approvalId);
  const titleId = `approval-${key}-title`;
  const errorId = `approval-${key}-error`;
  const reasonId = `approval-${key}-reason`;

  const reasons = a.reasons.length === 0 ? undefined : h('ul', { className: 'reasons', 'aria-label': 'Why a person decides' },
    a.reasons.map((r) => h('li', {}, [r.explanation, ' ', h('span', { className: 'clause', text: `(${[r.rule, r.clause].filter(Boolean).join(', ')})` })])));

  let breakdown;
  if (a.breakdown) {
    breakdown = h('table', { className: 'breakdown' }, [
      h('caption', { className: 'visually-hidden', text: 'Itemised breakdown' }),
      h('thead', {}, [h('tr', {}, [h('th', { scope: 'col', text: 'Item' }), h('th', { scope: 'col', text: 'Clause' }), h('th', { scope: 'col', className: 'amount', text: 'Amount' })])]),
      h('tbody', {}, a.breakdown.map((l) => h('tr', {}, [h('td', { text: l.label }), h('td', { className: 'clause', text: l.clause ?? '' }), h('td', { className: 'amount', text: l.amount.text })]))),
      a.amount ? h('tfoot', {}, [h('tr', {}, [h('td', { text: 'Total' }), h('td'), h('td', { className: 'amount', text: a.amount.text })])]) : undefined,
    ]);
  }
  const amount = !a.breakdown && a.amount ? h('p', {}, [h('strong', { text: 'Amount: ' }), a.amount.text]) : undefined;
  const facts = a.facts.length === 0 ? undefined : h('dl', {}, a.facts.flatMap((f) => [h('dt', { text: humanise(f.key) }), h('dd', { text: ISO_INSTANT.test(f.value) ? formatUtc(f.value) : f.value })]));

  const radios = ['approve', 'reject'].map((value) =>
    h('label', { className: 'choice' }, [h('input', { type: 'radio', name: `decision-${key}`, value }), value === 'approve' ? 'Approve' : 'Reject']));
  const form = h('form', { className: 'decision', 'aria-label': `Decide approval ${a.approvalId}`, novalidate: true }, [
    h('fieldset', {}, [h('legend', { text: 'Decision' }), ...radios]),
    h('div', { className: 'reason-row' }, [
      h('label', { for: reasonId, text: 'Reason' }),
      h('input', { id: reasonId, name: 'reason', type: 'text', autocomplete: 'off', 'aria-describedby': errorId, maxlength: 2000 }),
      h('button', { type: 'submit', text: 'Record decision' }),
    ]),
    h('p', { id: errorId, className: 'field-error' }),
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    decide(a, form);
  });

  return h('li', { className: 'card', 'data-approval-id': a.approvalId }, [
    h('article', { 'aria-labelledby': titleId }, [
      h('h3', { id: titleId, tabindex: -1 }, [h('span', { className: 'badge kind', text: KIND_LABELS[a.kind] ?? a.kind }), ' ', a.summary]),
      h('p', { className: 'meta' }, [
        `${a.subject.type} ${a.subject.id} · customer `,
        h('a', { href: `#customer/${encodeURIComponent(a.customer.customerId)}`, text: a.customer.displayName }),
        ` · approval ${a.approvalId}`,
      ]),
      h('p', { className: 'meta', text: `Requested ${formatUtc(a.requestedAt)} · decide by ${formatUtc(a.deadline)}, or it is ${a.defaultOutcome}` }),
      reasons,
      amount,
      breakdown,
      facts,
      form,
    ]),
  ]);
}

async function decide(a, form) {
  const error = form.querySelector('.field-error');
  const choice = form.querySelector('input[type=radio]:checked');
  const reasonInput = form.querySelector('input[name=reason]');
  error.textContent = '';
  if (!staffId()) {
    error.textContent = 'Enter your staff id in “Deciding as” (top right) and save it first.';
    return $('staff-id').focus();
  }
  if (!choice) {
    error.textContent = 'Choose Approve or Reject.';
    return form.querySelector('input[type=radio]').focus();
  }
  const body = { decision: choice.value, reason: reasonInput.value, decidedBy: staffId() };
  try {
    const decided = await busy([form.querySelector('button')], () =>
      api(`/api/approvals/${encodeURIComponent(a.approvalId)}/decision`, { method: 'POST', body }));
    announce(`${decided.status === 'approved' ? 'Approved' : 'Rejected'} ${a.summary} (approval ${a.approvalId}) as ${decided.decidedBy.staffId}: “${decided.reason}”.`);
    await afterDecision(a);
  } catch (e) {
    if (e instanceof ApiError && e.status === 409) {
      complain(e.message);
      await afterDecision(a);
    } else if (e instanceof ApiError && e.status === 400) {
      error.textContent = (e.body.issues ?? []).map((i) => `${i.field === 'reason' ? 'Reason' : i.field}: ${i.message}`).join(' ') || e.message;
      (e.fieldMessage('reason') ? reasonInput : form.querySelector('input')).focus();
    } else {
      error.textContent = `Not recorded: ${e.message}`;
    }
  }
}

/** The decided card leaves the list; focus goes to the next card (or the list heading), never to nowhere. */
async function afterDecision(a) {
  const cards = [...document.querySelectorAll('#approvals-list > li')];
  const index = cards.findIndex((c) => c.dataset.approvalId === a.approvalId);
  await loadApprovals();
  const remaining = [...document.querySelectorAll('#approvals-list > li')];
  const next = remaining[Math.min(index, remaining.length - 1)];
  (next ? next.querySelector('h3') : $('approvals-heading')).focus();
  if (state.customerId === a.customer.customerId) await loadCustomer(a.customer.customerId, { focus: false });
}

/** Keeps cards that are still pending as they are, so a reason being typed survives a refresh. */
async function loadApprovals() {
  let page;
  try {
    page = await api('/api/approvals');
  } catch (error) {
    return complain(`Approvals could not be loaded: ${error.message}`);
  }
  const list = $('approvals-list');
  const existing = new Map([...list.children].map((li) => [li.dataset.approvalId, li]));
  const wanted = new Set(page.items.map((a) => a.approvalId));
  for (const [id, li] of existing) if (!wanted.has(id)) li.remove();
  let previous = null;
  for (const a of page.items) {
    const li = existing.get(a.approvalId) ?? approvalCard(a);
    if (li.previousElementSibling !== previous || li.parentElement !== list) {
      if (previous) previous.after(li);
      else list.prepend(li);
    }
    previous = li;
  }
  $('approvals-count').textContent = `(${page.items.length})`;
  $('approvals-empty').hidden = page.items.length > 0;
}

// ——— customers ———

async function searchCustomers(q) {
  const list = $('customer-results');
  let page;
  try {
    page = await api(`/api/customers?q=${encodeURIComponent(q)}`);
  } catch (error) {
    return complain(`Customers could not be searched: ${error.message}`);
  }
  list.replaceChildren(
    ...page.items.map((c) =>
      h('li', {}, [
        h('a', { href: `#customer/${encodeURIComponent(c.customerId)}`, 'aria-current': c.customerId === state.customerId ? 'true' : undefined }, [
          h('strong', { text: c.displayName }),
          ` ${c.customerId}`,
        ]),
        h('span', { className: 'muted small', text: ` ${c.executions} workflow${c.executions === 1 ? '' : 's'}${c.pendingApprovals ? `, ${c.pendingApprovals} waiting` : ''}` }),
      ]),
    ),
  );
  if (q !== '') announce(page.items.length === 0 ? `No customer matches “${q}”.` : `${page.items.length} customer${page.items.length === 1 ? '' : 's'} found.`);
}

function executionSection(e) {
  const diagram = state.diagrams.get(e.stateMachineArn);
  const here = e.position.current.map((c) => (c.count > 1 ? `${c.name} (×${c.count})` : c.name)).join(', ') || 'nowhere yet';
  const where = e.status === 'RUNNING' ? `is at ${here}` : `ended at ${here}`;
  const head = h('div', { className: 'execution-head' }, [
    h('h4', { text: `${e.workflow} · ${e.name}` }),
    h('span', { className: `badge status-${e.status}`, text: e.status }),
    h('span', { className: 'small', text: where }),
    h('span', { className: 'muted small', text: `started ${formatUtc(e.startedAt)}${e.stoppedAt ? `, stopped ${formatUtc(e.stoppedAt)}` : ''}` }),
    e.error ? h('span', { className: 'small', text: `${e.error}: ${e.cause ?? ''}` }) : undefined,
  ]);
  const section = h('section', { className: 'execution', 'data-execution': e.name, 'aria-label': `${e.workflow} ${e.name}` }, [head]);
  if (diagram) {
    const scroller = h('div', { className: 'diagram-scroll', role: 'region', tabindex: 0, 'aria-label': `Diagram of ${e.workflow} ${e.name}, scrollable` });
    scroller.append(renderDiagram(diagram, e.position, `${e.workflow} workflow; execution ${e.name} ${where}`));
    section.append(scroller);
  }
  return section;
}

/** Brings the first highlighted state into view inside its scrolling box. */
function revealCurrent(section) {
  const scroller = section.querySelector('.diagram-scroll');
  const current = section.querySelector('.current');
  if (!scroller || !current) return;
  const box = current.getBBox();
  scroller.scrollLeft = Math.max(0, box.x + box.width / 2 - scroller.clientWidth / 2);
  scroller.scrollTop = Math.max(0, box.y + box.height / 2 - scroller.clientHeight / 2);
}

async function loadCustomer(customerId, { focus = true } = {}) {
  let detail;
  try {
    if (state.diagrams.size === 0) await loadDiagrams();
    detail = await api(`/api/customers/${encodeURIComponent(customerId)}`);
  } catch (error) {
    return complain(`Customer ${customerId} could not be shown: ${error.message}`);
  }
  // A workflow registered after the page loaded (a test's, say) has no diagram yet.
  if (detail.executions.some((e) => !state.diagrams.has(e.stateMachineArn))) await loadDiagrams();
  state.customerId = customerId;
  const c = detail.customer;
  $('customer-detail').hidden = false;
  $('customer-name').textContent = `${c.displayName} (${c.customerId})`;
  $('customer-meta').textContent = `${c.type} · ${c.country} · ${c.email} · ${c.state}`;
  const sections = detail.executions.map(executionSection);
  $('executions').replaceChildren(...sections);
  $('executions-empty').hidden = detail.executions.length > 0;
  sections.forEach(revealCurrent);
  $('timeline-rows').replaceChildren(
    ...detail.timeline.map((t) =>
      h('tr', { 'data-kind': t.kind }, [
        h('td', {}, [h('time', { datetime: t.at, text: formatUtc(t.at) })]),
        h('td', {}, [h('span', { className: 'badge kind', text: t.kind }), ' ', t.summary]),
        h('td', { text: t.actor.id ? `${t.actor.type} ${t.actor.id}` : t.actor.type }),
        h('td', { className: 'clause', text: t.rule ?? '' }),
      ]),
    ),
    ...(detail.timelineTruncated ? [h('tr', {}, [h('td', { colspan: 4, className: 'muted', text: 'Older entries are not shown.' })])] : []),
  );
  for (const a of document.querySelectorAll('#customer-results a')) {
    if (a.getAttribute('href') === `#customer/${encodeURIComponent(customerId)}`) a.setAttribute('aria-current', 'true');
    else a.removeAttribute('aria-current');
  }
  if (focus) {
    $('customer-name').scrollIntoView({ block: 'start' });
    $('customer-name').focus({ preventScroll: true });
  }
}

async function loadDiagrams() {
  const workflows = await api('/api/workflows');
  for (const w of workflows.items) state.diagrams.set(w.stateMachineArn, w.diagram);
  return workflows.items;
}

async function showAllWorkflows() {
  let items;
  try {
    items = await loadDiagrams();
  } catch (error) {
    return complain(`The workflows could not be loaded: ${error.message}`);
  }
  $('workflow-gallery').replaceChildren(
    ...items.map((w) => {
      const scroller = h('div', { className: 'diagram-scroll', role: 'region', tabindex: 0, 'aria-label': `Diagram of the ${w.name} workflow, scrollable` });
      scroller.append(renderDiagram(w.diagram, undefined, `${w.name} workflow`));
      return h('figure', { 'data-workflow': w.name }, [h('figcaption', { text: w.name }), scroller]);
    }),
  );
}

function route() {
  const match = /^#customer\/(.+)$/.exec(location.hash);
  if (match) loadCustomer(decodeURIComponent(match[1]));
}

// ——— start ———

async function start() {
  setUpIdentity();
  setUpClock();
  $('refresh-approvals').addEventListener('click', async () => {
    await loadApprovals();
    announce(`${$('approvals-list').children.length} pending approvals.`);
  });
  $('customer-search').addEventListener('submit', (event) => {
    event.preventDefault();
    searchCustomers($('customer-q').value.trim());
  });
  window.addEventListener('hashchange', route);
  $('all-workflows').addEventListener('toggle', () => {
    if ($('all-workflows').open) showAllWorkflows();
  });

  try {
    state.overview = await api('/api/overview');
  } catch (error) {
    return complain(`The console cannot reach the runtime: ${error.message}`);
  }
  const o = state.overview;
  $('provider').textContent = `${o.provider} · preset ${o.preset}`;
  $('mail-link').href = o.mailUrl;
  state.localTime = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: o.timeZone });
  renderClock(o.clock);
  await Promise.all([loadApprovals(), searchCustomers('')]);
  route();
  document.body.dataset.ready = 'true';

  // A running clock moves by itself; a virtual one only when advanced (here or elsewhere).
  setInterval(async () => {
    try {
      renderClock(await api('/api/clock'));
    } catch {
      // The runtime stopped; the next successful poll shows the time again.
    }
  }, 5000);
  setInterval(loadApprovals, 15000);
}

start();
