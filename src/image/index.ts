export * from './image';
export * from './custom-training-image';
export * from './sagemaker-image';
export * from './deep-learning-container';
