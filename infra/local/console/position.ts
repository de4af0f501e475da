/**
 * Where an execution is, read from its history, for the diagram highlight.
 *
 * Each event names the previous event of its own thread (`previousEventId`): a branch of a Parallel
 * and an iteration of a Map are threads of their own. A thread is where the last state it entered
 * is, so the states a running execution is in are those of the threads still open: the events no
 * other event follows, except those that closed their thread (a state exited at the end of a branch).
 * A caught error is followed by its handler's entry, so the failed state does not stay "current".
 * A finished execution is where its last event puts it: the state it succeeded or failed in.
 */
export interface HistoryEventLike {
  id?: number | undefined;
  previousEventId?: number | undefined;
  type?: string | undefined;
  stateEnteredEventDetails?: { name?: string | undefined } | undefined;
}

export interface ExecutionPosition {
  /** The states the execution is in (or ended in), with how many threads are in each (Map iterations). */
  current: { name: string; count: number }[];
  /** Every state the execution entered, in the order first entered. */
  visited: string[];
}

const isEntered = (type: string | undefined) => type !== undefined && type.endsWith('StateEntered');
/** Events after which their thread does nothing more: a state left at the end of a branch, an iteration done. */
const CLOSING = /StateExited$|Aborted$|^MapIteration(Succeeded|Failed)$|^Execution/;
const closesThread = (type: string | undefined) => type !== undefined && CLOSING.test(type);

export function executionPosition(events: readonly HistoryEventLike[], status: string | undefined): ExecutionPosition {
  const stateOf = new Map<number, string>();
  const visited: string[] = [];
  // Events come in id order, so a thread's earlier events are resolved before its later ones.
  for (const e of events) {
    if (e.id === undefined) continue;
    const entered = isEntered(e.type) ? e.stateEnteredEventDetails?.name : undefined;
    if (entered !== undefined) {
      stateOf.set(e.id, entered);
      if (!visited.includes(entered)) visited.push(entered);
    } else if (e.previousEventId !== undefined && stateOf.has(e.previousEventId)) {
      stateOf.set(e.id, stateOf.get(e.previousEventId) as string);
    }
  }

  const counts = new Map<string, number>();
  const count = (name: string | undefined) => {
    if (name !== undefined) counts.set(name, (counts.get(name) ?? 0) + 1);
  };
  if (status === 'RUNNING') {
    const followed = new Set(events.map((e) => e.previousEventId));
    for (const e of events) {
      if (e.id === undefined || followed.has(e.id) || closesThread(e.type)) continue;
      count(stateOf.get(e.id));
    }
  } else {
    const last = events.at(-1);
    if (last?.id !== undefined) count(stateOf.get(last.id));
  }
  return { current: [...counts].map(([name, n]) => ({ name, count: n })), visited };
}
