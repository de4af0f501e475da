export { EngineClock, parseDuration, type ClockMode, type EngineClockOptions } from './clock';
export { LocalStepFunctions, type LocalStepFunctionsOptions, type ExecutionMetrics } from './local-step-functions';
export { SfnApiError, StatesError, DefinitionError } from './errors';
export type { LambdaContext, LambdaHandler, LambdaRegistry } from './resources';
