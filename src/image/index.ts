export * from './image';
export * from './buildable-image';
export * from './custom-training-image';
export * from './sagemaker-image';
export * from './deep-learning-container';
