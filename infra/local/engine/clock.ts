/**
 * The local engine's only source of time (ARCHITECTURE.md invariant 5).
 *
 * One formula serves every mode: now = anchorVirtual + (realNow - anchorReal) × speed. Speed 0 is a
 * virtual clock (time moves only when advanced), 1 is real time, anything else a speed factor.
 * Timers live in a heap here, never in `setTimeout`, so a one-year Wait is just a heap entry; in the
 * running modes a single OS timer is armed for the earliest one, capped below the 24.8-day limit.
 */
import type { Clock } from '../../../functions/domain/clock';

export type ClockMode = 'virtual' | 'real' | { speed: number };

export interface EngineClockOptions {
  mode?: ClockMode;
  /** Virtual start instant; ignored in real mode. Defaults to the machine's time. */
  start?: Date | string;
}

/** Something whose work the clock waits for before it fires the next timer (the engine). */
export interface IdleSource {
  isIdle(): boolean;
  whenIdle(): Promise<void>;
}

interface TimerEntry {
  at: number;
  seq: number;
  fire: () => void;
  cancelled: boolean;
}

export type TimerHandle = { cancel(): void };

/** setTimeout silently fires at once for delays above 2^31-1 ms; chunk below it. */
const MAX_OS_DELAY_MS = 2 ** 31 - 1;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** '90s', '15m', '36h', '30d', '1d12h', '250ms' or a number of milliseconds. */
export function parseDuration(duration: string | number): number {
  if (typeof duration === 'number') {
    if (!Number.isFinite(duration) || duration < 0) throw new RangeError(`not a duration: ${duration}`);
    return duration;
  }
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(duration); m; m = re.exec(duration)) {
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== duration.length) {
    throw new RangeError(`not a duration: '${duration}' (use e.g. '90s', '15m', '36h', '30d')`);
  }
  return total;
}

export class EngineClock implements Clock {
  private speed: number;
  private anchorVirtual: number;
  private anchorReal: number;
  private readonly heap: TimerEntry[] = [];
  private seq = 0;
  private readonly sources = new Set<IdleSource>();
  private osTimer: NodeJS.Timeout | undefined;
  private running = false;
  private firing: Promise<void> = Promise.resolve();

  constructor(options: EngineClockOptions = {}) {
    const mode = options.mode ?? 'virtual';
    this.speed = mode === 'virtual' ? 0 : mode === 'real' ? 1 : mode.speed;
    if (!(this.speed >= 0)) throw new RangeError('clock speed must be ≥ 0');
    this.anchorReal = Date.now();
    const start = mode === 'real' || options.start === undefined ? this.anchorReal : new Date(options.start).getTime();
    if (Number.isNaN(start)) throw new RangeError(`clock start is not a date: ${String(options.start)}`);
    this.anchorVirtual = start;
    if (this.speed > 0) this.running = true;
  }

  get mode(): ClockMode {
    return this.speed === 0 ? 'virtual' : this.speed === 1 ? 'real' : { speed: this.speed };
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    if (this.speed === 0) return this.anchorVirtual;
    return Math.floor(this.anchorVirtual + (Date.now() - this.anchorReal) * this.speed);
  }

  /** Switches mode without a jump in time. */
  setMode(mode: ClockMode): void {
    this.reanchor(this.nowMs());
    this.speed = mode === 'virtual' ? 0 : mode === 'real' ? 1 : mode.speed;
    this.running = this.speed > 0;
    this.arm();
  }

  schedule(at: number, fire: () => void): TimerHandle {
    const entry: TimerEntry = { at, seq: this.seq++, fire, cancelled: false };
    this.push(entry);
    this.arm();
    return { cancel: () => void (entry.cancelled = true) };
  }

  /** The instant of the earliest pending timer, if any. */
  nextTimerAt(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.at;
  }

  addIdleSource(source: IdleSource): () => void {
    this.sources.add(source);
    return () => void this.sources.delete(source);
  }

  /**
   * Moves time forward, firing due timers in (time, creation) order; the work of the timers due at one
   * instant runs together and settles before the next instant's timers fire.
   */
  async advance(duration: string | number): Promise<void> {
    await this.advanceTo(this.nowMs() + parseDuration(duration));
  }

  async advanceTo(target: Date | string | number): Promise<void> {
    const to = typeof target === 'number' ? target : new Date(target).getTime();
    if (Number.isNaN(to)) throw new RangeError(`advanceTo: not a date: ${String(target)}`);
    const run = this.firing.then(async () => {
      await this.whenIdle();
      for (;;) {
        this.dropCancelled();
        const next = this.heap[0];
        if (!next || next.at > to) break;
        // Every timer due at this one instant fires (in creation order) before the clock waits: their
        // work runs concurrently, as executions due together do on AWS. Work at a later instant still
        // waits for all of it, so order across instants is unchanged.
        const at = next.at;
        if (at > this.nowMs()) this.reanchor(at);
        for (let due = this.heap[0]; due && due.at === at; due = this.heap[0]) {
          this.pop();
          if (!due.cancelled) due.fire();
        }
        await this.whenIdle();
      }
      if (to > this.nowMs()) this.reanchor(to);
      this.arm();
      await this.whenIdle();
    });
    this.firing = run.catch(() => undefined);
    await run;
  }

  /** Resolves when no registered source has work in progress. */
  async whenIdle(): Promise<void> {
    for (;;) {
      const busy = [...this.sources].filter((s) => !s.isIdle());
      if (busy.length === 0) return;
      await Promise.all(busy.map((s) => s.whenIdle()));
    }
  }

  /** Stops the OS timer of the running modes (the virtual mode has none). */
  stop(): void {
    this.running = false;
    if (this.osTimer) clearTimeout(this.osTimer);
    this.osTimer = undefined;
  }

  private reanchor(virtual: number): void {
    this.anchorVirtual = virtual;
    this.anchorReal = Date.now();
  }

  private arm(): void {
    if (!this.running) return;
    if (this.osTimer) clearTimeout(this.osTimer);
    this.osTimer = undefined;
    const at = this.nextTimerAt();
    if (at === undefined) return;
    const realDelay = Math.max(0, (at - this.nowMs()) / this.speed);
    this.osTimer = setTimeout(() => {
      this.osTimer = undefined;
      this.fireDue();
    }, Math.min(Math.ceil(realDelay), MAX_OS_DELAY_MS));
    this.osTimer.unref();
  }

  /**
   * A running clock fires what is due without waiting for quiet: time does not stop for a slow
   * handler, and one that never returns must not hold back every other timer.
   */
  private fireDue(): void {
    const now = this.nowMs();
    for (;;) {
      this.dropCancelled();
      const next = this.heap[0];
      if (!next || next.at > now) break;
      this.pop();
      next.fire();
    }
    this.arm();
  }

  private dropCancelled(): void {
    while (this.heap[0]?.cancelled) this.pop();
  }

  private less(a: TimerEntry, b: TimerEntry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(entry: TimerEntry): void {
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i] as TimerEntry, h[p] as TimerEntry)) break;
      [h[i], h[p]] = [h[p] as TimerEntry, h[i] as TimerEntry];
      i = p;
    }
  }

  private pop(): TimerEntry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l] as TimerEntry, h[m] as TimerEntry)) m = l;
        if (r < h.length && this.less(h[r] as TimerEntry, h[m] as TimerEntry)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as TimerEntry, h[i] as TimerEntry];
        i = m;
      }
    }
    return top;
  }
}
