import { describe as group, expect, it } from 'vitest';
import { EngineClock, parseDuration } from '../../infra/local/engine/clock';
import { createEngine, deploy, jsonata, start } from './support';

group('durations', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['36h', 129_600_000],
    ['30d', 2_592_000_000],
    ['1d12h', 129_600_000],
    ['250ms', 250],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('refuses what is not a duration', () => {
    expect(() => parseDuration('30 days')).toThrow(RangeError);
    expect(() => parseDuration('')).toThrow(RangeError);
  });
});

group('virtual clock', () => {
  it('stands still until advanced, then fires due timers in time order with ties in creation order', async () => {
    const clock = new EngineClock({ start: '2026-01-01T00:00:00Z' });
    const fired: Array<[string, string]> = [];
    const at = (iso: string, tag: string) => clock.schedule(Date.parse(iso), () => fired.push([tag, clock.now().toISOString()]));
    at('2026-01-03T00:00:00Z', 'late');
    at('2026-01-02T00:00:00Z', 'tie-1');
    at('2026-01-02T00:00:00Z', 'tie-2');
    at('2026-02-01T00:00:00Z', 'beyond');
    const cancelled = at('2026-01-02T12:00:00Z', 'cancelled');
    cancelled.cancel();
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    await clock.advance('3d');
    expect(fired).toEqual([
      ['tie-1', '2026-01-02T00:00:00.000Z'],
      ['tie-2', '2026-01-02T00:00:00.000Z'],
      ['late', '2026-01-03T00:00:00.000Z'],
    ]);
    expect(clock.now().toISOString()).toBe('2026-01-04T00:00:00.000Z');
  });

  it('fires timers that firing timers create inside the same advance', async () => {
    const clock = new EngineClock({ start: '2026-01-01T00:00:00Z' });
    const fired: string[] = [];
    clock.schedule(Date.parse('2026-01-01T01:00:00Z'), () => {
      fired.push('first');
      clock.schedule(clock.nowMs() + 60_000, () => fired.push('follow-up'));
    });
    await clock.advanceTo('2026-01-01T02:00:00Z');
    expect(fired).toEqual(['first', 'follow-up']);
  });
});

group('running clocks', () => {
  it('runs at a speed factor: an hour of clock time passes in about a millisecond', async () => {
    const clock = new EngineClock({ mode: { speed: 3_600_000 }, start: '2026-01-01T00:00:00Z' });
    const due = Date.parse('2026-01-01T01:00:00Z');
    const fired = new Promise<number>((resolve) => clock.schedule(due, () => resolve(clock.nowMs())));
    expect(await fired).toBeGreaterThanOrEqual(due);
    clock.stop();
  });

  it('does not fire a 30-day timer early in real time (setTimeout would, above 24.8 days)', async () => {
    const clock = new EngineClock({ mode: 'real' });
    let fired = false;
    clock.schedule(clock.nowMs() + parseDuration('30d'), () => (fired = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(fired).toBe(false);
    clock.stop();
  });

  it('keeps firing timers while another execution’s handler has not returned', async () => {
    let woke!: () => void;
    const wokeUp = new Promise<void>((resolve) => (woke = resolve));
    const clock = new EngineClock({ mode: { speed: 3_600_000 }, start: '2026-01-01T00:00:00Z' });
    const { sfn } = createEngine({
      clock,
      lambdas: {
        hang: () => new Promise(() => undefined),
        wake: () => woke(),
      },
    });
    const call = (fn: string) => ({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: fn, Payload: {} }, End: true });
    await start(sfn, await deploy(sfn, jsonata({ Hang: call('hang') })));
    await start(sfn, await deploy(sfn, jsonata({ Sleep: { Type: 'Wait', Seconds: 3600, Next: 'Wake' }, Wake: call('wake') })));
    await wokeUp;
    expect(clock.nowMs()).toBeGreaterThanOrEqual(Date.parse('2026-01-01T01:00:00Z'));
    clock.stop();
  });
});
