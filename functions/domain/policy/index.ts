/**
 * The shipped policy presets, validated by `policySchema` when first asked for: a preset with a
 * wrong value fails at load with the path of the field, never later in a workflow.
 */
import { UnknownPresetError, ValidationError } from '../errors';
import { hostico } from './presets/hostico';
import { secom } from './presets/secom';
import { smartape } from './presets/smartape';
import { policySchema, type Policy } from './schema';

export * from './schema';

const PRESETS = { hostico, smartape, secom } as const;
export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as readonly PresetName[];

/** Validates a policy; the error's `field` is the dotted path of the first offending value. */
export function parsePolicy(input: unknown): Policy {
  const result = policySchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : 'policy';
  throw new ValidationError(field, issue?.message ?? 'is invalid', { cause: result.error });
}

const cache = new Map<PresetName, Policy>();

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}

export function getPreset(name: string): Policy {
  if (!isPresetName(name)) {
    throw new UnknownPresetError(`unknown preset "${name}"; known presets: ${PRESET_NAMES.join(', ')}`);
  }
  let policy = cache.get(name);
  if (!policy) {
    policy = parsePolicy(PRESETS[name]);
    cache.set(name, policy);
  }
  return policy;
}
