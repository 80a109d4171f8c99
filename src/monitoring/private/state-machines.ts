import { ArnFormat, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { addComplianceSuppression, addNagSuppression, explainDecision } from '../../private/nag';

/**
 * The monitor's state machines (the runner and the retraining guard) and the service roles of
 * what starts them, made one way: logs (ALL, with execution data) in one log group per monitor,
 * X-Ray tracing, and each role's one policy explained to cdk-nag once every grant is made.
 */
export class MonitorMachines {
  private readonly roles: iam.IRole[] = [];
  private readonly machineRoles: iam.IRole[] = [];
  private group?: logs.LogGroup;

  constructor(private readonly scope: Construct, private readonly key?: kms.IKey) {}

  /** A Standard state machine from a JSONata definition (deploy-time values may be tokens). */
  public stateMachine(id: string, definition: any, comment: string): sfn.StateMachine {
    const machine = new sfn.StateMachine(this.scope, id, {
      definitionBody: sfn.DefinitionBody.fromString(Stack.of(this.scope).toJsonString(definition)),
      comment,
      logs: { destination: this.logGroup(), level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    this.roles.push(machine.role);
    this.machineRoles.push(machine.role);
    return machine;
  }

  /** A role a service assumes for this account only (confused-deputy prevention). */
  public serviceRole(id: string, service: string, description: string): iam.Role {
    const role = new iam.Role(this.scope, id, {
      assumedBy: new iam.ServicePrincipal(service, { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this.scope).account } } }),
      description,
    });
    this.roles.push(role);
    return role;
  }

  /** Adds a role (the pipeline's) whose one policy is explained with the others. */
  public addRole(role: iam.IRole): void {
    this.roles.push(role);
  }

  /** Explains each role's one policy to cdk-nag: call it after every grant of the constructor. */
  public explainPolicies(): void {
    for (const role of this.roles) {
      const policy = role.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
      if (!policy) {
        continue;
      }
      const resource = policy.node.defaultChild as iam.CfnPolicy;
      // DESIGN.md "Footprint": one policy per role, made of the library's least-privilege grants.
      addComplianceSuppression(resource, 'IAMNoInlinePolicy', 'the role\'s grants are made by the library, least privilege, in the one '
        + 'policy the role owns (a managed policy would outlive the role and could be attached elsewhere)');
      if (this.machineRoles.includes(role)) {
        addNagSuppression(resource, 'AwsSolutions-IAM5', 'Step Functions\' log delivery (logs:CreateLogDelivery and the other '
          + '*LogDelivery actions, logs:DescribeLogGroups, resource policies) and X-Ray tracing (xray:PutTraceSegments, '
          + 'PutTelemetryRecords, GetSampling*) have no resource-level permissions (Service Authorization Reference), so '
          + 'aws-stepfunctions grants them on *', ['Resource::*']);
      }
    }
  }

  private logGroup(): logs.ILogGroup {
    if (this.group) {
      return this.group;
    }
    const stack = Stack.of(this.scope);
    // Step Functions log groups under /aws/vendedlogs/ keep CloudWatch Logs' resource policy small
    // (Step Functions developer guide, "Logging using CloudWatch Logs").
    const logGroupName = `/aws/vendedlogs/states/${Names.uniqueResourceName(this.scope, { maxLength: 400, separator: '-' })}`;
    this.group = new logs.LogGroup(this.scope, 'Logs', {
      logGroupName,
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if (this.key) {
      // CloudWatch Logs encrypts with the key only if its policy lets the service do so for this log group
      // (CloudWatch Logs user guide, "Encrypt log data in CloudWatch Logs using AWS KMS").
      this.key.addToResourcePolicy(new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }));
    } else {
      explainDecision(this.group.node.defaultChild as logs.CfnLogGroup, { compliance: 'CloudWatchLogGroupEncrypted', checkov: 'CKV_AWS_158' },
        'the runner\'s and the guard\'s execution history holds names, times and S3 URIs, no captured data; CloudWatch Logs '
        + 'encrypts it at rest, and ModelMonitor encryptionKey encrypts it with a customer-managed key');
    }
    return this.group;
  }
}
