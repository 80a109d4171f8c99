export * from './options';
export * from './monitor-baseline';
export * from './model-monitor';
