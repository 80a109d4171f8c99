export * from './image';
export * from './pipeline';
export * from './training';
export * from './endpoint';
export * from './monitoring';
export * from './github';
