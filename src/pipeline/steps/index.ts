export * from './base';
export * from './job';
export * from './condition';
