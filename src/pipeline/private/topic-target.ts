import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';

/**
 * An EventBridge rule target that publishes to an SNS topic, with a topic
 * policy statement for this rule only (`aws:SourceArn`, `aws:SourceAccount`).
 * aws-events-targets' `SnsTopic` calls `topic.grantPublish(events.amazonaws.com)`,
 * which adds an unconditioned statement to the topic policy and another to the
 * topic's key policy.
 */
export class ConditionedTopicTarget implements events.IRuleTarget {
  constructor(private readonly topic: sns.ITopic) {}

  public bind(rule: events.IRule): events.RuleTargetConfig {
    // Statement as in the EventBridge user guide, "Amazon SNS permissions" (confused deputy prevention).
    // An imported topic ignores it: its owner adds the statement (see `notifications.failureTopic`).
    this.topic.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [this.topic.topicArn],
      conditions: {
        ArnEquals: { 'aws:SourceArn': events.CfnRule.arnForRule(rule) },
        StringEquals: { 'aws:SourceAccount': Stack.of(rule).account },
      },
    }));
    return { arn: this.topic.topicArn, targetResource: this.topic };
  }
}
