/**
 * Distributed training, typed: what each launcher renders (the names AWS's
 * framework containers read), checks against the cluster, channels pinned to
 * instance groups, and the warnings for spot and shared checkpoints.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { build } from './helpers';
import { TrainingInstanceType } from '../../src/pipeline';
import { Distribution, TrainingCode } from '../../src/training';
import { expectError } from '../errors';
import { stepNamed } from '../pipeline/definition-helper';

const train = (definition: any) => stepNamed(definition, 'Train').Arguments;
const P4D = TrainingInstanceType.of('ml.p4d.24xlarge');
const groups = [
  { groupName: 'loaders', instanceType: TrainingInstanceType.ML_M5_XLARGE, instanceCount: 1 },
  { groupName: 'gpus', instanceType: P4D, instanceCount: 2 },
];

describe('distribution: what the framework containers read', () => {
  test('torchrun renders what the PyTorch container reads (sagemaker_torch_distributed_enabled, sagemaker_instance_type)', () => {
    const { definition } = build({
      training: { code: TrainingCode.fromImage('train.py'), instanceType: P4D, instanceCount: 2, spot: false, distribution: Distribution.torchrun() },
    });
    expect(train(definition).HyperParameters).toEqual({
      sagemaker_program: '"train.py"',
      sagemaker_submit_directory: '"/opt/ml/code"',
      sagemaker_torch_distributed_enabled: 'true',
      sagemaker_instance_type: '"ml.p4d.24xlarge"',
    });
  });

  test('with a distribution the instance type and count are fixed, not parameters', () => {
    const { definition } = build({ training: { instanceType: P4D, instanceCount: 2, spot: false, distribution: Distribution.torchrun() } });
    expect(train(definition).ResourceConfig).toMatchObject({ InstanceType: 'ml.p4d.24xlarge', InstanceCount: 2 });
    const names = definition.Parameters.map((p: any) => p.Name);
    expect(names).not.toContain('TrainingInstanceType');
    expect(names).not.toContain('TrainingInstanceCount');
  });

  test('mpi renders sagemaker_mpi_enabled, processes per host and custom options', () => {
    const { definition } = build({
      training: { instanceType: P4D, instanceCount: 2, spot: false, distribution: Distribution.mpi({ processesPerHost: 8, customMpiOptions: '-x NCCL_DEBUG=WARN' }) },
    });
    expect(train(definition).HyperParameters).toEqual({
      sagemaker_mpi_enabled: 'true',
      sagemaker_mpi_num_of_processes_per_host: '8',
      sagemaker_mpi_custom_mpi_options: '"-x NCCL_DEBUG=WARN"',
    });
  });

  test('smddp renders sagemaker_distributed_dataparallel_enabled and the instance type', () => {
    const { definition } = build({ training: { instanceType: P4D, instanceCount: 2, spot: false, distribution: Distribution.smddp() } });
    expect(train(definition).HyperParameters).toEqual({
      sagemaker_distributed_dataparallel_enabled: 'true',
      sagemaker_distributed_dataparallel_custom_mpi_options: '""',
      sagemaker_instance_type: '"ml.p4d.24xlarge"',
    });
  });

  test('parameter servers render sagemaker_parameter_server_enabled', () => {
    const { definition } = build({ training: { instanceCount: 3, distribution: Distribution.parameterServer() } });
    expect(train(definition).HyperParameters).toEqual({ sagemaker_parameter_server_enabled: 'true' });
  });

  test('on a heterogeneous cluster, MPI runs on one group (sagemaker_distribution_instance_groups)', () => {
    const { definition } = build({ training: { instanceGroups: groups, spot: false, distribution: Distribution.mpi({ instanceGroup: 'gpus', processesPerHost: 8 }) } });
    expect(train(definition).HyperParameters.sagemaker_distribution_instance_groups).toBe('["gpus"]');
  });

  test('channels can be pinned to instance groups', () => {
    const { definition } = build({
      training: { instanceGroups: groups, spot: false, extraChannels: [{ channelName: 'shards', bucket: dataBucket(), instanceGroupNames: ['loaders'] }] },
    });
    const shards = train(definition).InputDataConfig.find((c: any) => c.ChannelName === 'shards');
    expect(shards.DataSource.S3DataSource.InstanceGroupNames).toEqual(['loaders']);
  });
});

/** The data bucket, imported by name (as the helpers' pipeline imports it). */
function dataBucket(): s3.IBucket {
  return s3.Bucket.fromBucketName(new Stack(new App(), 'Data'), 'Data', 'my-data');
}

describe('distribution warnings', () => {
  test('spot on a multi-node GPU cluster warns (not an error)', () => {
    const { stack } = build({ training: { instanceType: P4D, instanceCount: 2 } });
    Annotations.fromStack(stack).hasWarning('/Stack/Training', Match.stringLikeRegexp('runs 2 GPU hosts on spot capacity'));
  });

  test('checkpoints shared by several hosts warn', () => {
    const { stack } = build({ training: { instanceCount: 2 } });
    Annotations.fromStack(stack).hasWarning('/Stack/Training', Match.stringLikeRegexp('syncs /opt/ml/checkpoints of every host to one S3 prefix'));
  });

  test('a single host warns about neither', () => {
    const { stack } = build();
    Annotations.fromStack(stack).hasNoWarning('/Stack/Training', Match.stringLikeRegexp('spot capacity|checkpoints of every host'));
  });
});

describe('distribution errors', () => {
  test('smddp on an instance type AWS does not list for it', () => {
    expectError(() => build({ training: { instanceType: TrainingInstanceType.of('ml.p5.48xlarge'), instanceCount: 2, spot: false, distribution: Distribution.smddp() } }),
      { construct: 'TrainingPipeline', property: 'training.distribution', value: 'Distribution.smddp() on ml.p5.48xlarge' },
      'trainingPipeline training distribution smddp runs only on ml.p3.16xlarge, ml.p3dn.24xlarge, ml.p4d.24xlarge, ml.p4de.24xlarge, got ml.p5.48xlarge');
  });

  test('a distribution on a single CPU host', () => {
    expectError(() => build({ training: { distribution: Distribution.torchrun() } }),
      { construct: 'TrainingPipeline', property: 'training.distribution', value: 'Distribution.torchrun() on 1 × ml.m5.xlarge' },
      'trainingPipeline training distribution torchrun on a single host is not distributed, got 1 × ml.m5.xlarge: raise the instance count');
  });

  test('torchrun on one group of a heterogeneous cluster', () => {
    expectError(() => build({ training: { instanceGroups: groups, spot: false, distribution: Distribution.torchrun({ instanceGroup: 'gpus' }) } }),
      { construct: 'TrainingPipeline', property: 'training.distribution.instanceGroup', value: "'gpus' with Distribution.torchrun()" },
      "trainingPipeline training distribution torchrun with instanceGroup 'gpus' is not supported: SageMaker runs only MPI and SMDDP");
  });

  test('a heterogeneous cluster without the distribution\'s group', () => {
    expectError(() => build({ training: { instanceGroups: groups, spot: false, distribution: Distribution.mpi() } }),
      { construct: 'TrainingPipeline', property: 'training.distribution.instanceGroup', value: 'nothing, with instanceGroups' },
      'trainingPipeline training distribution has no instanceGroup, but training.instanceGroups makes a heterogeneous cluster');
  });

  test('a distribution group that is not a group', () => {
    expectError(() => build({ training: { instanceGroups: groups, spot: false, distribution: Distribution.mpi({ instanceGroup: 'gpu' }) } }),
      { construct: 'TrainingPipeline', property: 'training.distribution.instanceGroup', value: "'gpu'" },
      "trainingPipeline training distribution instanceGroup 'gpu' is not a group of training.instanceGroups (loaders, gpus): fix the name");
  });

  test('a distribution group without instance groups', () => {
    expectError(() => build({ training: { instanceCount: 2, distribution: Distribution.mpi({ instanceGroup: 'gpus' }) } }),
      { construct: 'TrainingPipeline', property: 'training.distribution.instanceGroup', value: "'gpus' without instanceGroups" },
      "trainingPipeline training distribution instanceGroup 'gpus' needs training.instanceGroups");
  });

  test('MPI processes per host of 0', () => {
    expectError(() => Distribution.mpi({ processesPerHost: 0 }), { construct: 'Distribution.mpi', property: 'processesPerHost', value: '0' },
      'distribution processesPerHost must be a whole number from 1 to 1024, got 0');
  });

  test('a hyperparameter the distribution writes', () => {
    expectError(() => build({ training: { instanceCount: 2, distribution: Distribution.parameterServer(), hyperparameters: { sagemaker_parameter_server_enabled: 'false' } } }),
      { construct: 'TrainingPipeline', property: 'training.hyperparameters', value: "{ sagemaker_parameter_server_enabled: 'false' }" },
      "trainingPipeline training hyperparameters 'sagemaker_parameter_server_enabled' is set by training.distribution");
  });

  test('a channel pinned to a group that does not exist', () => {
    expectError(() => build({ training: { instanceGroups: groups, spot: false, extraChannels: [{ channelName: 'shards', bucket: dataBucket(), instanceGroupNames: ['cpus'] }] } }),
      { construct: 'TrainingPipeline', property: 'training.extraChannels.instanceGroupNames', value: "['cpus']" },
      "trainingPipeline training channel 'shards' instanceGroupNames 'cpus' is not a group of instanceGroups (loaders, gpus): fix the name");
  });

  test('a channel pinned to a group without instance groups', () => {
    expectError(() => build({ training: { extraChannels: [{ channelName: 'shards', bucket: dataBucket(), instanceGroupNames: ['cpus'] }] } }),
      { construct: 'TrainingPipeline', property: 'training.extraChannels.instanceGroupNames', value: "['cpus'] without instanceGroups" },
      "trainingPipeline training channel 'shards' instanceGroupNames needs instanceGroups");
  });

  test('two instance groups with one name', () => {
    expectError(() => build({ training: { spot: false, instanceGroups: [groups[0], { ...groups[1], groupName: 'loaders' }] } }),
      { construct: 'TrainingPipeline', property: 'training.instanceGroups.groupName', value: "'loaders' twice" },
      'trainingPipeline training instanceGroups groupName is used twice (loaders, loaders): give each group its own name');
  });
});
