import { Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { cacheLogicalIds } from '../../private/logical-id';

/** The construct id of the stack's one failure-topic key: part of the API, since changing it replaces the key. */
const STACK_FAILURE_KEY_ID = 'SageMakerPipelineFailureTopicKey';

/** The ARNs of the failure rules each shared key admits, in the order the pipelines were created. */
const RULE_ARNS = new WeakMap<kms.IKey, string[]>();

/**
 * The stack's one key of the failure topics its SageMaker pipelines create, and the admission of
 * the rule named `ruleName` to it: a customer managed key costs about $1 a month and one of the
 * stack's 500 resources, so there is one per stack, as there is one capture bucket, not one per
 * pipeline (DESIGN.md "Footprint").
 *
 * EventBridge publishes to an encrypted topic only if the key lets it (SNS developer guide,
 * "Encryption at rest"; EventBridge user guide, "Amazon SNS permissions"). The key admits
 * `events.amazonaws.com` for this account's failure rules of the stack only, in one statement
 * that lists their ARNs (`aws:SourceArn`), formatted from their names: the key policy is part of
 * the key, which each rule depends on (through its topic). Each topic's own policy still admits
 * its own rule only, so one pipeline's rule cannot publish to another's topic.
 */
export function stackFailureTopicKey(scope: Construct, ruleName: string): kms.IKey {
  const stack = Stack.of(scope);
  const ruleArn = stack.formatArn({ service: 'events', resource: 'rule', resourceName: ruleName });
  const found = stack.node.tryFindChild(STACK_FAILURE_KEY_ID);
  if (found) {
    const arns = RULE_ARNS.get(found as kms.IKey);
    if (!arns) {
      throw new Error(`sageMakerPipeline notifications: stack ${stack.node.path} already holds a construct '${STACK_FAILURE_KEY_ID}' that `
        + 'the library did not create, where it keeps the stack\'s failure-topic key: give that construct another id, '
        + 'or give the pipeline a topic of your own in notifications.failureTopic');
    }
    arns.push(ruleArn);
    return found as kms.IKey;
  }
  const key = new kms.Key(stack, STACK_FAILURE_KEY_ID, {
    enableKeyRotation: true,
    description: 'Encrypts the failure notifications of the SageMaker pipelines of this stack',
  });
  const arns = [ruleArn];
  RULE_ARNS.set(key, arns);
  key.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal('events.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
    resources: ['*'],
    conditions: {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnEquals: { 'aws:SourceArn': Lazy.any({ produce: () => (arns.length === 1 ? arns[0] : [...arns]) }) },
    },
  }));
  cacheLogicalIds(key);
  return key;
}
