/**
 * JSONata in the engine: `{% %}` templates compiled once per definition, evaluated with `$states` and
 * the workflow variables bound, plus the functions Step Functions adds to JSONata 2.0.6 ($partition,
 * $range, $hash, $random, $uuid, $parse). `$eval` is unavailable on AWS, so it is rejected at load.
 * `$now()` and `$millis()` read the engine clock, not the machine's.
 */
import jsonata from 'jsonata';
import { createHash, randomUUID } from 'node:crypto';
import { DefinitionError, StatesError } from './errors';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type Template =
  | { k: 'lit'; v: Json }
  | { k: 'expr'; e: jsonata.Expression; src: string; path?: string[] }
  | { k: 'obj'; entries: Array<[string, Template]> }
  | { k: 'arr'; items: Template[] };

export type Bindings = Record<string, unknown>;

const HASH_ALGORITHMS: Record<string, string> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/** Deterministic for one seed, as AWS documents; the numbers themselves differ from AWS's generator. */
function seededRandom(seed: unknown): number {
  let h = 2166136261;
  for (const ch of JSON.stringify(seed) ?? '') h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  let t = (h + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function fail(message: string): never {
  throw Object.assign(new Error(message), { code: 'SFN' });
}

export function isExpression(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('{%') && value.endsWith('%}') && value.length >= 4;
}

/** Compiles expressions for one engine; identical sources share one compiled expression. */
export class ExpressionCompiler {
  private readonly cache = new Map<string, jsonata.Expression>();
  private readonly fromMillis = jsonata('$fromMillis(ms, picture, tz)');

  constructor(
    private readonly nowMs: () => number,
    private readonly random: () => number,
  ) {}

  compile(src: string, where: string): jsonata.Expression {
    const cached = this.cache.get(src);
    if (cached) return cached;
    if (/\$eval\s*\(/.test(src)) throw new DefinitionError(`${where}: $eval is not available in Step Functions; use $parse`);
    let expr: jsonata.Expression;
    try {
      expr = jsonata(src);
    } catch (e) {
      throw new DefinitionError(`${where}: invalid JSONata expression '${src}': ${(e as Error).message}`);
    }
    this.registerFunctions(expr);
    this.cache.set(src, expr);
    return expr;
  }

  /** Compiles a field value; strings that are not `{% %}` stay literal, as on AWS. */
  template(value: unknown, where: string): Template {
    if (isExpression(value)) {
      const src = value.slice(2, -2).trim();
      const e = this.compile(src, where);
      const path = simplePath(src);
      return path ? { k: 'expr', e, src, path } : { k: 'expr', e, src };
    }
    if (Array.isArray(value)) {
      const items = value.map((v, i) => this.template(v, `${where}[${i}]`));
      return items.every((t) => t.k === 'lit') ? { k: 'lit', v: value as Json } : { k: 'arr', items };
    }
    if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value).map(([key, v]): [string, Template] => [key, this.template(v, `${where}.${key}`)]);
      return entries.every(([, t]) => t.k === 'lit') ? { k: 'lit', v: value as Json } : { k: 'obj', entries };
    }
    return { k: 'lit', v: value as Json };
  }

  private registerFunctions(expr: jsonata.Expression): void {
    const nowMs = this.nowMs;
    const fromMillis = this.fromMillis;
    expr.registerFunction('now', (picture?: string, tz?: string) =>
      picture === undefined && tz === undefined ? new Date(nowMs()).toISOString() : fromMillis.evaluate({}, { ms: nowMs(), picture, tz }),
    );
    expr.registerFunction('millis', () => nowMs(), '<:n>');
    expr.registerFunction(
      'partition',
      (array: unknown[], size: number) => {
        if (!Number.isInteger(size) || size <= 0) fail('$partition: the chunk size must be a positive integer');
        const out: unknown[][] = [];
        for (let i = 0; i < array.length; i += size) out.push(array.slice(i, i + size));
        return out;
      },
      '<an:a>',
    );
    expr.registerFunction(
      'range',
      (start: number, end: number, step: number) => {
        if (![start, end, step].every(Number.isInteger) || step === 0) fail('$range: start, end and a non-zero step must be integers');
        const out: number[] = [];
        for (let v = start; step > 0 ? v <= end : v >= end; v += step) {
          out.push(v);
          if (out.length > 1000) fail('$range: the result would exceed 1000 items');
        }
        return out;
      },
      '<nnn:a<n>>',
    );
    expr.registerFunction(
      'hash',
      (data: unknown, algorithm: string) => {
        const alg = HASH_ALGORITHMS[algorithm];
        if (!alg) fail(`$hash: algorithm must be one of ${Object.keys(HASH_ALGORITHMS).join(', ')}`);
        return createHash(alg).update(typeof data === 'string' ? data : JSON.stringify(data)).digest('hex');
      },
      '<xs:s>',
    );
    const random = this.random;
    expr.registerFunction('random', (seed?: unknown) => (seed === undefined ? random() : seededRandom(seed)), '<x?:n>');
    expr.registerFunction('uuid', () => randomUUID(), '<:s>');
    expr.registerFunction(
      'parse',
      (text: string) => {
        try {
          return JSON.parse(text) as unknown;
        } catch (e) {
          return fail(`$parse: not a JSON string: ${(e as Error).message}`);
        }
      },
      '<s:x>',
    );
  }
}

const PATH = /^\$[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$/;
const NOT_FIELDS = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function']);

/** `$var.field.field` (the most common expression by far) as its steps, or undefined for anything else. */
function simplePath(src: string): string[] | undefined {
  if (!PATH.test(src)) return undefined;
  const steps = src.slice(1).split('.');
  return steps.some((step) => NOT_FIELDS.has(step)) ? undefined : steps;
}

const NOT_FOUND = Symbol('not found');

/**
 * A simple path read without the JSONata evaluator, where that cannot differ from it: every step is
 * a field of a plain object and the value found is neither an array (JSONata's sequence rules apply)
 * nor missing. Anything else returns NOT_FOUND and JSONata evaluates the expression as always.
 */
function readPath(steps: string[], bindings: Bindings): unknown {
  const [name, ...fields] = steps as [string, ...string[]];
  if (!Object.hasOwn(bindings, name)) return NOT_FOUND;
  let cur: unknown = bindings[name];
  for (const field of fields) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, field)) return NOT_FOUND;
    cur = (cur as Record<string, unknown>)[field];
  }
  if (cur === undefined || Array.isArray(cur) || typeof cur === 'function') return NOT_FOUND;
  return cur;
}

function queryError(src: string, field: string, detail: string): StatesError {
  return new StatesError('States.QueryEvaluationError', `The JSONata expression '${src}' specified for the field '${field}' ${detail}`);
}

function toJson(value: unknown, src: string, field: string): Json {
  if (value === undefined) throw queryError(src, field, 'returned nothing (undefined).');
  if (typeof value === 'function') throw queryError(src, field, 'returned a function, which is not JSON.');
  if (value === null || typeof value !== 'object') return value as Json;
  return JSON.parse(JSON.stringify(value)) as Json;
}

export async function evaluateExpression(e: jsonata.Expression, src: string, bindings: Bindings, field: string): Promise<Json> {
  let value: unknown;
  try {
    value = await e.evaluate(undefined, bindings);
  } catch (err) {
    throw queryError(src, field, `failed: ${(err as Error).message}`);
  }
  return toJson(value, src, field);
}

export async function evaluateTemplate(t: Template, bindings: Bindings, field: string): Promise<Json> {
  switch (t.k) {
    case 'lit':
      return t.v;
    case 'expr': {
      if (t.path) {
        const value = readPath(t.path, bindings);
        if (value !== NOT_FOUND) return toJson(value, t.src, field);
      }
      return evaluateExpression(t.e, t.src, bindings, field);
    }
    case 'arr': {
      const out: Json[] = [];
      for (let i = 0; i < t.items.length; i++) out.push(await evaluateTemplate(t.items[i] as Template, bindings, `${field}[${i}]`));
      return out;
    }
    case 'obj': {
      const out: { [key: string]: Json } = {};
      for (const [key, sub] of t.entries) out[key] = await evaluateTemplate(sub, bindings, `${field}/${key}`);
      return out;
    }
  }
}
