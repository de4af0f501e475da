/** What a CLI command may touch: its output streams. Tests pass buffers; the entry passes the process's. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** A mistake in how the CLI was called (exit code 2); the message is shown alone, without a stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface Command {
  /** One line for `--help`. */
  summary: string;
  usage: string;
  run(args: string[], io: CliIo): number | Promise<number>;
}

/** Renders rows as a left-aligned text table with a header rule. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}
