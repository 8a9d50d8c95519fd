// The decision's public surface; one idea per file behind it.
export { decide, DEFAULT_BEHAVIOR } from './decide';
export * from './types';
