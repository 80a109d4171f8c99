/**
 * The reference app: one realistic CDK app that composes every construct of
 * the library the way a user would. `npx projen example` synthesizes it.
 */
import * as path from 'path';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CustomTrainingImage, DeepLearningContainer, DlcFramework, DlcProcessor, DlcScope } from '../src';

/** Where `npx projen example` writes the templates and the workflow (gitignored). */
export const REFERENCE_OUTDIR = path.join(__dirname, 'out');

/** The team's model stack: the image, and (as they land) training, serving and the GitHub roles. */
export class ModelStack extends Stack {
  public readonly image: CustomTrainingImage;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);

    // The Dockerfile in examples/container builds FROM this Deep Learning Container.
    const base = DeepLearningContainer.fromFramework({
      framework: DlcFramework.PYTORCH,
      version: '2.5',
      scope: DlcScope.TRAINING,
      processor: DlcProcessor.GPU,
    });

    this.image = new CustomTrainingImage(this, 'TrainingImage', {
      baseImage: base,
      maxReleaseImages: 20,
    });
  }
}

/** Adds the reference app's stacks to `app`; environment-agnostic on purpose. */
export function buildReferenceApp(app: App): Stack[] {
  return [new ModelStack(app, 'SageMakerGitHubReference')];
}
