/**
 * `npm start`: all of hostcycle on this machine (infra/local/runtime.ts) on fixed ports, with data on
 * disk, until Ctrl-C.
 *
 *   npm start                       real time
 *   npm start -- --speed 3600       one virtual hour per second
 *   npm start -- --virtual          time stands still (advance it through the engine)
 *
 * Options: --data-dir DIR (.data), --preset NAME (hostico), --start ISO (virtual/speed start instant),
 * --api-port 3000, --console-port 3001, --sfn-port 8083, --ses-port 8005, --dynamodb-port 8000.
 * HOSTCYCLE_DATA_DIR and HOSTCYCLE_API_PORT, HOSTCYCLE_CONSOLE_PORT, … set the defaults of the data
 * directory and the ports, so a test (or a second runtime) runs the README's commands unchanged
 * elsewhere; a flag wins over its variable.
 *
 * Data: DIR/dynamodb (DynamoDB Local's files), DIR/engine (the engine journal: executions resume after
 * a restart), DIR/local.json (the staff-token secret, so tokens survive a restart, and the virtual
 * time reached, so a virtual or sped-up clock resumes where it stopped). The time is written whenever
 * the clock fires a timer or finishes an advance, and each second while it runs, not only at Ctrl-C:
 * after a crash the clock resumes at the last instant anything happened, never before it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isPresetName, PRESET_NAMES } from '../../functions/domain/policy';
import { TABLE_DESIGN } from '../../functions/data/table';
import { startDynamoDbLocal } from './dynamodb-local';
import type { ClockMode, EngineClock, EngineClockOptions } from './engine';

export const DEFAULT_PORTS = { api: 3000, console: 3001, sfn: 8083, ses: 8005, dynamodb: 8000 } as const;
/**
 * The printed staff token's life, in the runtime's clock. That clock may run at 3,600× or be advanced
 * by months, so a token bounded like a production one would expire under the user mid-walkthrough.
 */
const LOCAL_TOKEN_HOURS = 24 * 365 * 10;
const HOST = '127.0.0.1';

class UsageError extends Error {
  override name = 'UsageError';
}

class PortTakenError extends Error {
  override name = 'PortTakenError';
}

/** Clear messages, not stack traces, for what a user can fix. */
const USER_ERRORS = new Set(['UsageError', 'PortTakenError', 'PortInUseError', 'MissingPrerequisiteError']);

/** The flag, else its environment variable (HOSTCYCLE_API_PORT for --api-port), else the default. */
function portOption(value: string | undefined, fallback: number, flag: string): number {
  const variable = envName(flag);
  const given = value ?? nonEmpty(process.env[variable]);
  if (given === undefined) return fallback;
  const port = Number(given);
  const source = value === undefined ? variable : flag;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`${source} must be a port number between 1 and 65535, not "${given}".`);
  return port;
}

/** --api-port → HOSTCYCLE_API_PORT. */
function envName(flag: string): string {
  return `HOSTCYCLE_${flag.replace(/^--/, '').replace(/-/g, '_').toUpperCase()}`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const probe = createServer();
    probe.once('error', () => ok(false));
    probe.listen(port, HOST, () => probe.close(() => ok(true)));
  });
}

const OPTIONS = {
  'data-dir': { type: 'string' },
  preset: { type: 'string', default: 'hostico' },
  speed: { type: 'string' },
  virtual: { type: 'boolean', default: false },
  start: { type: 'string' },
  'api-port': { type: 'string' },
  'sfn-port': { type: 'string' },
  'ses-port': { type: 'string' },
  'dynamodb-port': { type: 'string' },
  'console-port': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const USAGE = `usage: npm start [-- options]

  --preset NAME         policy preset: ${PRESET_NAMES.join(', ')} (default hostico)
  --speed N             run the clock N times faster than real time (e.g. 3600: one hour per second)
  --virtual             stop the clock; advance it through the engine or the console
  --start ISO           where a virtual or sped-up clock starts
  --data-dir DIR        where data lives (default .data, or HOSTCYCLE_DATA_DIR)
  --api-port, --console-port, --sfn-port, --ses-port, --dynamodb-port   ports (defaults ${Object.values(DEFAULT_PORTS).join(', ')},
                        or HOSTCYCLE_API_PORT, HOSTCYCLE_CONSOLE_PORT, HOSTCYCLE_SFN_PORT, HOSTCYCLE_SES_PORT, HOSTCYCLE_DYNAMODB_PORT)`;

/** parseArgs, with its complaint about an unknown or malformed option as one sentence. */
function parseOptions() {
  try {
    return parseArgs({ options: OPTIONS });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Run \`npm start -- --help\` for the options.`);
  }
}

interface LocalState {
  staffJwtSecret: string;
  virtualNow?: string;
}

/** Replaces the file in one step: a crash mid-write leaves the old state, never half of the new one. */
function writeState(path: string, state: LocalState): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${path}.tmp`, path);
}

/**
 * An engine clock that saves the instant it reached each time it fires a timer or finishes an advance
 * (the only moments a stopped clock moves), so a crash loses no virtual time.
 */
function savingClock(Clock: typeof EngineClock, options: EngineClockOptions, save: (at: Date) => void): EngineClock {
  class SavingClock extends Clock {
    override schedule(at: number, fire: () => void) {
      return super.schedule(at, () => {
        save(this.now());
        fire();
      });
    }

    override async advanceTo(target: Date | string | number): Promise<void> {
      try {
        await super.advanceTo(target);
      } finally {
        save(this.now());
      }
    }
  }
  return new SavingClock(options);
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  // The pinned AWS SDK warns once that its releases after January 2027 need Node 22; the README says
  // so, and the warning would bury the URLs printed below. Read when the first client is built.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { values } = parseOptions();
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const preset = values.preset;
  if (!isPresetName(preset)) throw new UsageError(`--preset must be one of ${PRESET_NAMES.join(', ')}, not "${preset}".`);
  if (values.start !== undefined && Number.isNaN(Date.parse(values.start))) throw new UsageError(`--start must be an ISO-8601 instant such as 2026-12-01T09:00:00Z, not "${values.start}".`);
  if (values.virtual && values.speed !== undefined) throw new UsageError('--virtual and --speed exclude each other.');
  let mode: ClockMode = 'real';
  if (values.virtual) mode = 'virtual';
  if (values.speed !== undefined) {
    const speed = Number(values.speed);
    if (!(speed > 0)) throw new UsageError(`--speed must be a positive number, not "${values.speed}".`);
    mode = { speed };
  }
  const ports = {
    api: portOption(values['api-port'], DEFAULT_PORTS.api, '--api-port'),
    console: portOption(values['console-port'], DEFAULT_PORTS.console, '--console-port'),
    sfn: portOption(values['sfn-port'], DEFAULT_PORTS.sfn, '--sfn-port'),
    ses: portOption(values['ses-port'], DEFAULT_PORTS.ses, '--ses-port'),
    dynamodb: portOption(values['dynamodb-port'], DEFAULT_PORTS.dynamodb, '--dynamodb-port'),
  };
  const labels = { api: 'HTTP API', console: 'staff console', sfn: 'Step Functions endpoint', ses: 'SES emulator', dynamodb: 'DynamoDB Local' } as const;
  for (const [name, port] of Object.entries(ports) as [keyof typeof ports, number][]) {
    if (!(await portFree(port))) {
      throw new PortTakenError(`Port ${port} (${labels[name]}) is already in use; stop whatever holds it or pass --${name}-port with another port.`);
    }
  }

  const dataDir = resolve(values['data-dir'] ?? nonEmpty(process.env.HOSTCYCLE_DATA_DIR) ?? '.data');
  mkdirSync(dataDir, { recursive: true });
  const statePath = join(dataDir, 'local.json');
  const saved: Partial<LocalState> = existsSync(statePath) ? readState(statePath) : {};
  const state: LocalState = { staffJwtSecret: saved.staffJwtSecret ?? randomBytes(32).toString('hex'), ...(saved.virtualNow === undefined ? {} : { virtualNow: saved.virtualNow }) };
  writeState(statePath, state);

  // DynamoDB Local (a JVM) takes longest to come up; the rest of hostcycle loads meanwhile.
  // Its JVM takes 5 s on an idle machine and can take over 30 s on a busy one: wait, rather than fail.
  const dynamodb = startDynamoDbLocal({ dataDir: join(dataDir, 'dynamodb'), port: ports.dynamodb, readyTimeoutMs: 120_000 });
  const loaded = Promise.all([import('./engine'), import('./runtime')]);
  const [ddb, [{ EngineClock }, { LOCAL_WEBHOOK_SECRET, startLocalRuntime }]] = await Promise.all([dynamodb, loaded]);

  // A data directory's clock never goes back: its executions, timers and ledgers are at the time it reached.
  let start = mode === 'real' ? undefined : (values.start ?? saved.virtualNow);
  let startNote = '';
  if (mode !== 'real' && values.start !== undefined && saved.virtualNow !== undefined && Date.parse(saved.virtualNow) > Date.parse(values.start)) {
    start = saved.virtualNow;
    startNote = `\n  (the clock resumes at ${saved.virtualNow}, where ${dataDir} stopped, not at --start ${values.start}; delete that directory to begin again)`;
  }
  let lastSaved = state.virtualNow;
  const saveTime = (at: Date) => {
    const virtualNow = at.toISOString();
    if (virtualNow === lastSaved) return;
    lastSaved = virtualNow;
    writeState(statePath, { ...state, virtualNow });
  };
  const clock = savingClock(EngineClock, { mode, ...(start === undefined ? {} : { start }) }, saveTime);
  // A running clock moves between timers too.
  setInterval(() => saveTime(clock.now()), 1_000).unref();
  const runtime = await startLocalRuntime({
    preset,
    clock,
    dynamodb: { endpoint: ddb.endpoint, tableName: TABLE_DESIGN.defaultTableName },
    engineDataDir: join(dataDir, 'engine'),
    ses: { port: ports.ses },
    ports: { api: ports.api, sfn: ports.sfn },
    host: HOST,
    webhookSecret: process.env.HOSTCYCLE_WEBHOOK_SECRET ?? LOCAL_WEBHOOK_SECRET,
    staffJwtSecret: state.staffJwtSecret,
  }).catch(async (error: unknown) => {
    await ddb.stop();
    throw error;
  });

  const { startConsole } = await import('./console/server');
  const staffConsole = await startConsole({ runtime, port: ports.console, host: HOST }).catch(async (error: unknown) => {
    await runtime.stop();
    await ddb.stop();
    throw error;
  });

  const clockLabel = mode === 'real' ? 'real time' : mode === 'virtual' ? 'virtual (stands still until advanced)' : `${mode.speed}× real time`;
  console.log(
    [
      `hostcycle is ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (preset ${preset}, clock ${clockLabel}, now ${clock.now().toISOString()})${startNote}`,
      `  Staff console    ${staffConsole.url}   (approvals, timelines, workflow diagrams, the clock)`,
      `  HTTP API         ${runtime.urls.api}   (OpenAPI: ${runtime.urls.api}/openapi.json)`,
      `  Step Functions   ${runtime.urls.sfn}   (aws --endpoint-url ${runtime.urls.sfn} stepfunctions …)`,
      `  SES emulator     ${runtime.urls.ses}   (mail viewer: ${runtime.urls.mail})`,
      `  DynamoDB Local   http://${HOST}:${ports.dynamodb}   (table ${runtime.tableName})`,
      `  data             ${dataDir}`,
      `  webhook secret   ${runtime.webhookSecret}`,
      `  staff token      ${runtime.staffToken('staff-local', LOCAL_TOKEN_HOURS)}   (valid for ten years of this clock)`,
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping hostcycle…`);
    try {
      await staffConsole.stop();
      await runtime.stop();
      await ddb.stop();
      saveTime(clock.now());
      console.log('hostcycle stopped.');
      process.exit(0);
    } catch (error) {
      console.error('hostcycle did not stop cleanly:', error);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

function readState(path: string): Partial<LocalState> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Partial<LocalState>;
  } catch (error) {
    throw new UsageError(`${path} is not readable JSON (${(error as Error).message}); delete it to start with a new staff-token secret and clock.`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error && USER_ERRORS.has(error.name) ? error.message : error);
  process.exit(1);
});
