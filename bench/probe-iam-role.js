// A probe, not part of the benchmark's rows: what aws-iam's Role and Policy L2 cost against the
// same role and policy written as CfnRole and CfnPolicy, nothing of the library around them
// (bench/README.md, "Where the synth time goes").
//
//   node bench/probe-iam-role.js <l2|l1> [n = 50] [outdir]
//
// Each of the n roles is assumed by SageMaker and gets the statements an endpoint's role gets
// for its image, its model data, its logs and its metrics. Prints the CPU milliseconds of
// constructing the app and of `app.synth()` as one line of JSON.
'use strict';
const os = require('os');
const path = require('path');
const cdk = require('aws-cdk-lib');
const iam = require('aws-cdk-lib/aws-iam');
const { Construct } = require('constructs');

const [kind, nText, outdirArg] = process.argv.slice(2);
const n = Number(nText || 50);
if (!['l1', 'l2'].includes(kind) || !(n >= 1)) {
  throw new Error(`usage: node bench/probe-iam-role.js <l2|l1> [n >= 1] [outdir], got ${process.argv.slice(2).join(' ')}`);
}
const cpu = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

const started = cpu();
const app = new cdk.App({ outdir: outdirArg || path.join(os.tmpdir(), `probe-iam-role-${kind}`), context: require('./context') });
const stack = new cdk.Stack(app, 'ProbeIamRole');
const statements = (i) => [
  { actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
  { actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'], resources: [stack.formatArn({ service: 'ecr', resource: 'repository', resourceName: 'image' })] },
  { actions: ['s3:GetObject'], resources: [`arn:${cdk.Aws.PARTITION}:s3:::bench-data/models/${i}/model.tar.gz`] },
  { actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], resources: [stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '/aws/sagemaker/Endpoints/*', arnFormat: cdk.ArnFormat.COLON_RESOURCE_NAME })] },
  { actions: ['cloudwatch:PutMetricData'], resources: ['*'], conditions: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/Endpoints' } } },
];
for (let i = 0; i < n; i++) {
  const scope = new Construct(stack, `Endpoint${i}`);
  if (kind === 'l2') {
    const role = new iam.Role(scope, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    for (const statement of statements(i)) {
      role.addToPrincipalPolicy(new iam.PolicyStatement(statement));
    }
  } else {
    const role = new iam.CfnRole(scope, 'Role', {
      assumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' } }], Version: '2012-10-17' },
    });
    new iam.CfnPolicy(scope, 'Policy', {
      policyName: `Endpoint${i}Policy`,
      roles: [role.ref],
      policyDocument: {
        Statement: statements(i).map((s) => ({ Action: s.actions, Effect: 'Allow', Resource: s.resources, Condition: s.conditions })),
        Version: '2012-10-17',
      },
    });
  }
}
const constructed = cpu();
app.synth();
const synthesized = cpu();
console.log(JSON.stringify({ kind, n, constructMs: Math.round(constructed - started), synthMs: Math.round(synthesized - constructed) }));
