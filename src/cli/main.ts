#!/usr/bin/env node
/**
 * The `cdk-sagemaker-github` command (the package's bin): `local-run`, which
 * runs a synthesized pipeline on this machine, and `init-container`, which
 * writes the starter container into the user's repository.
 */
import { UsageError } from './errors';
import { initContainer, parseInitContainerArgs } from './init-container';
import { localRun } from './local-run';
import { parseLocalRunArgs } from './options';

const USAGE = `usage: cdk-sagemaker-github <command> [options]

commands:
  init-container [DIR]
              write the starter SageMaker container (Dockerfile, train, serve,
              evaluate, README) into DIR, default container
              (cdk-sagemaker-github init-container --help)
  local-run   run a synthesized SageMaker pipeline locally, in Docker, with the
              SageMaker Python SDK's local mode (cdk-sagemaker-github local-run --help)
`;

export function main(argv: string[], env: NodeJS.ProcessEnv = process.env): number {
  const [command, ...rest] = argv;
  const io = {
    out: (line: string) => process.stdout.write(`${line}\n`),
    err: (line: string) => process.stderr.write(`${line}\n`),
    env,
  };
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === 'init-container') {
      return initContainer(parseInitContainerArgs(rest), io);
    }
    if (command !== 'local-run') {
      throw new UsageError(`unknown command ${command}: the commands are init-container and local-run (cdk-sagemaker-github --help)`);
    }
    return localRun(parseLocalRunArgs(rest, env), io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`cdk-sagemaker-github: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
