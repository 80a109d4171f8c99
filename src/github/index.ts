export * from './github-oidc-provider';
export * from './github-subject';
export * from './github-repository';
export * from './github-actions-role';
export * from './github-workflow';
export * from './workflow-options';
export * from './cdk-app';
export * from './github-deploy-on-approval';
