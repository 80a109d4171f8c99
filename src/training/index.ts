export * from './data';
export * from './quality-gate';
export * from './model-package-group';
export * from './options';
export * from './training-pipeline';
