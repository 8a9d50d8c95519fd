// The decision's public surface; one idea per file behind it.
export { combineProposals } from './combine';
export { decide, DEFAULT_BEHAVIOR } from './decide';
export { oneStepUp, rateLimit } from './rate-limit';
export { proposeByRatio } from './ratio';
export { proposeForSaturation } from './saturation';
export * from './types';
