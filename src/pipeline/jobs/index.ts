export * from './common';
export * from './training-job';
export * from './processing-job';
export * from './transform-job';
