/**
 * How a construct publishes the names a client (a notebook, a script, the
 * deploy job) needs: CloudFormation stack outputs with stable names, and
 * optionally SSM parameters.
 */
export interface PublishNamesOptions {
  /**
   * The prefix of every output's name: the outputs are `<prefix><Name>`
   * (e.g. `FraudTrainingPipelineName`). Letters and digits only, starting with
   * a letter. Output names are part of what clients read: keep it stable.
   *
   * @default - the construct's id with every character that is not a letter or digit removed
   */
  readonly outputPrefix?: string;

  /**
   * Also write each name to an SSM String parameter `<ssmPrefix>/<Name>`
   * (e.g. `/ml/fraud/TrainingPipelineName`). Must start with `/`.
   *
   * @default - no SSM parameters
   */
  readonly ssmPrefix?: string;
}
