export * from './base';
export * from './job';
export * from './training-step';
export * from './processing-step';
export * from './transform-step';
export * from './create-model-step';
export * from './register-model-step';
export * from './condition';
