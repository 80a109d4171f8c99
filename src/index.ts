export * from './image';
export * from './pipeline';
export * from './training';
export * from './github';
