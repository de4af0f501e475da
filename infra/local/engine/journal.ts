/**
 * Durable store of one data dir: an append-only journal of JSON lines, compacted into a snapshot.
 *
 * Lines: `{"m": machine}` registers a state machine; `{"x": arn, "h": header, "f": frames, "e": events}`
 * is one commit of an execution (its header and every live frame replace the previous ones; events
 * append). History stays on disk: the engine keeps only where each execution's lines are, so memory
 * grows with open executions, not with history. Reading is idempotent — events at or below the last
 * id read are skipped — so a crash between writing a snapshot and truncating the journal loses
 * nothing and duplicates nothing.
 * Writes are `writeSync` to the OS: they survive the process dying at any moment, not a power cut.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface MachineRecord {
  name: string;
  arn: string;
  definition: string;
  roleArn: string;
  creationDate: number;
}

export interface ExecutionCommit<H, F, E extends { id: number }> {
  x: string;
  h: H;
  f: F[];
  e: E[];
}

/** Where a journal or snapshot line holding some of an execution's history events is. */
export interface HistoryRef {
  file: 'journal' | 'snapshot';
  offset: number;
  length: number;
}

export interface LoadedExecution<H, F> {
  header: H;
  frames: F[];
  history: HistoryRef[];
}


export class Journal<H, F, E extends { id: number }> {
  private fd: number;
  private buffer: Array<{ line: string; onWritten: ((ref: HistoryRef) => void) | undefined }> = [];
  private bytes: number;
  private readonly journalPath: string;
  private readonly snapshotPath: string;

  constructor(
    readonly dir: string,
    private readonly compactAfterBytes = 64 * 1024 * 1024,
  ) {
    mkdirSync(dir, { recursive: true });
    this.journalPath = join(dir, 'journal.jsonl');
    this.snapshotPath = join(dir, 'snapshot.jsonl');
    this.fd = openSync(this.journalPath, 'a');
    this.bytes = statSync(this.journalPath).size;
  }

  load(): { machines: MachineRecord[]; executions: Map<string, LoadedExecution<H, F>> } {
    const machines = new Map<string, MachineRecord>();
    const executions = new Map<string, LoadedExecution<H, F>>();
    for (const [file, path] of [['snapshot', this.snapshotPath], ['journal', this.journalPath]] as const) {
      if (!existsSync(path)) continue;
      const bytes = readFileSync(path);
      let offset = 0;
      while (offset < bytes.length) {
        let end = bytes.indexOf(10, offset);
        if (end === -1) end = bytes.length;
        const ref: HistoryRef = { file, offset, length: end - offset };
        const line = bytes.toString('utf8', offset, end);
        offset = end + 1;
        if (!line) continue;
        let rec: { m?: MachineRecord } & Partial<ExecutionCommit<H, F, E>>;
        try {
          rec = JSON.parse(line) as typeof rec;
        } catch (e) {
          // Only the last line can be torn (the process died mid-write); anything else is corruption.
          if (offset >= bytes.length) break;
          throw new Error(`${path} at byte ${ref.offset}: unreadable journal line: ${(e as Error).message}`);
        }
        if (rec.m) machines.set(rec.m.arn, rec.m);
        else if (rec.x && rec.h && rec.f && rec.e) {
          const known = executions.get(rec.x);
          const history = rec.e.length > 0 ? [ref] : [];
          if (!known) executions.set(rec.x, { header: rec.h, frames: rec.f, history });
          else {
            known.header = rec.h;
            known.frames = rec.f;
            known.history.push(...history);
          }
        }
      }
    }
    return { machines: [...machines.values()], executions };
  }

  /** Reads back history events from their lines, skipping any an interrupted compaction repeated. */
  readEvents(refs: HistoryRef[]): E[] {
    const out: E[] = [];
    const fds = new Map<string, number>();
    try {
      for (const ref of refs) {
        let fd = fds.get(ref.file);
        if (fd === undefined) {
          fd = openSync(ref.file === 'journal' ? this.journalPath : this.snapshotPath, 'r');
          fds.set(ref.file, fd);
        }
        const buf = Buffer.alloc(ref.length);
        readSync(fd, buf, 0, ref.length, ref.offset);
        const events = (JSON.parse(buf.toString('utf8')) as ExecutionCommit<H, F, E>).e;
        const last = out[out.length - 1]?.id ?? 0;
        for (const ev of events) if (ev.id > last) out.push(ev);
      }
    } finally {
      for (const fd of fds.values()) closeSync(fd);
    }
    return out;
  }

  writeMachine(m: MachineRecord): void {
    this.buffer.push({ line: JSON.stringify({ m }), onWritten: undefined });
    this.flush();
  }

  /** Buffers a commit; `onWritten` learns where its line landed once flushed. */
  writeExecution(commit: ExecutionCommit<H, F, E>, onWritten?: (ref: HistoryRef) => void): void {
    this.buffer.push({ line: JSON.stringify(commit), onWritten });
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    const pending = this.buffer;
    this.buffer = [];
    const text = `${pending.map((p) => p.line).join('\n')}\n`;
    writeSync(this.fd, text);
    let offset = this.bytes;
    for (const { line, onWritten } of pending) {
      const length = Buffer.byteLength(line);
      onWritten?.({ file: 'journal', offset, length });
      offset += length + 1;
    }
    this.bytes = offset;
  }

  get needsCompaction(): boolean {
    return this.bytes > this.compactAfterBytes;
  }

  /** Replaces snapshot + journal by a snapshot of the given state, written atomically. */
  compact(machines: MachineRecord[], executions: Iterable<{ commit: ExecutionCommit<H, F, E>; onWritten: (ref: HistoryRef) => void }>): void {
    this.flush();
    const tmp = `${this.snapshotPath}.tmp`;
    const fd = openSync(tmp, 'w');
    let offset = 0;
    const write = (line: string): HistoryRef => {
      const ref: HistoryRef = { file: 'snapshot', offset, length: Buffer.byteLength(line) };
      writeSync(fd, `${line}\n`);
      offset += ref.length + 1;
      return ref;
    };
    for (const m of machines) write(JSON.stringify({ m }));
    const refs: Array<[HistoryRef, (ref: HistoryRef) => void]> = [];
    for (const x of executions) refs.push([write(JSON.stringify(x.commit)), x.onWritten]);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.snapshotPath);
    closeSync(this.fd);
    this.fd = openSync(this.journalPath, 'w');
    this.bytes = 0;
    for (const [ref, onWritten] of refs) onWritten(ref);
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
