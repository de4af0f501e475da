import { z } from 'zod';
import { statesOf, type LifecycleEntity } from './lifecycles';

/** The state enum of an entity, taken from its lifecycle table so the two never drift. */
export const stateSchema = <E extends LifecycleEntity>(entity: E) => z.enum(statesOf(entity));
