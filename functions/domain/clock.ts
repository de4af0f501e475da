/**
 * The one source of time (ARCHITECTURE.md invariant 5). Domain code takes a Clock or an explicit
 * instant as an argument and never calls `Date.now()` itself; the local runtime injects its virtual
 * clock, Lambda handlers the system clock.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock frozen at one instant: for tests and for replaying a computation at a given time. */
export function fixedClock(at: Date | string): Clock {
  const instant = new Date(at);
  if (Number.isNaN(instant.getTime())) throw new RangeError(`fixedClock: not a date: ${String(at)}`);
  return { now: () => new Date(instant) };
}
