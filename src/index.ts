export * from './image';
export * from './pipeline';
