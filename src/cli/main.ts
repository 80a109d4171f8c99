#!/usr/bin/env node
/**
 * The `cdk-sagemaker-github` command (the package's bin). One subcommand:
 * `local-run`, which runs a synthesized pipeline on this machine.
 */
import { UsageError } from './errors';
import { localRun } from './local-run';
import { parseLocalRunArgs } from './options';

const USAGE = `usage: cdk-sagemaker-github <command> [options]

commands:
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
    if (command !== 'local-run') {
      throw new UsageError(`unknown command ${command}: the command is local-run (cdk-sagemaker-github local-run --help)`);
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
