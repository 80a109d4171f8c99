import { checkStruct, show } from '../image/private/input';

/**
 * What an evaluation method is.
 */
export enum EvaluationKind {
  /** This library's contract: `evaluate --model-dir … --test-dir … --output-dir …` in an image. */
  CONTRACT = 'Contract',
  /** A user script, uploaded from the repository, run by an interpreter of a (stock) image. */
  SCRIPT = 'Script',
  /** An image's own command, with the arguments given. */
  COMMAND = 'Command',
  /** No evaluation: the gate, if any, reads a training metric. */
  NONE = 'None',
}

/**
 * Options of a script evaluation.
 */
export interface EvaluationScriptOptions {
  /**
   * The script file (a local path, uploaded as an S3 asset and mounted at
   * `/opt/ml/processing/input/code/`, as the SageMaker Python SDK's
   * `ScriptProcessor` does).
   */
  readonly path: string;

  /**
   * The command that runs the script, e.g. `['python3']` on the scikit-learn
   * and PyTorch framework images.
   *
   * @default ['python3']
   */
  readonly interpreter?: string[];

  /**
   * The script's arguments.
   *
   * @default - the contract's: `--model-dir /opt/ml/processing/model --test-dir /opt/ml/processing/test --output-dir /opt/ml/processing/evaluation`
   */
  readonly arguments?: string[];
}

/**
 * Options of a command evaluation.
 */
export interface EvaluationCommandOptions {
  /** The processing job's entrypoint, e.g. `['python3', '/opt/program/score.py']`. */
  readonly command: string[];

  /**
   * Its arguments.
   *
   * @default - none: the command finds the model in `/opt/ml/processing/model`, the test data in
   * `/opt/ml/processing/test`, and writes `evaluation.json` to `/opt/ml/processing/evaluation`
   */
  readonly arguments?: string[];
}

/**
 * How a `TrainingPipeline` evaluates a model: every method but `none()`
 * runs a processing job that finds the model (`model.tar.gz`) in
 * `/opt/ml/processing/model` and the test data in `/opt/ml/processing/test`,
 * and writes `evaluation.json` to `/opt/ml/processing/evaluation` (the
 * property file the quality gate reads).
 *
 * @example
 * // a script from the repository, on a stock scikit-learn image (set evaluation.image)
 * const method = EvaluationMethod.script({ path: 'evaluation/evaluate.py' });
 */
export class EvaluationMethod {
  /**
   * The library's contract (the starter container's `evaluate`).
   *
   * @param command the entrypoint that takes `--model-dir`, `--test-dir` and `--output-dir`
   */
  public static contract(command?: string[]): EvaluationMethod {
    return new EvaluationMethod(EvaluationKind.CONTRACT, command ?? ['evaluate'], undefined, undefined);
  }

  /** A script from the repository, run on the evaluation image (a stock framework image, say). */
  public static script(options: EvaluationScriptOptions): EvaluationMethod {
    checkStruct('evaluationMethod.script options', options, false, "{ path: 'evaluation/evaluate.py' }");
    if (typeof options.path !== 'string' || !options.path) {
      throw new Error(`evaluationMethod.script path must be the local path of the script file, got ${show(options.path)}: `
        + "e.g. 'evaluation/evaluate.py'");
    }
    return new EvaluationMethod(EvaluationKind.SCRIPT, options.interpreter ?? ['python3'], options.arguments, options.path);
  }

  /** The evaluation image's own command. */
  public static command(options: EvaluationCommandOptions): EvaluationMethod {
    checkStruct('evaluationMethod.command options', options, false, "{ command: ['python3', '/opt/program/score.py'] }");
    if (!Array.isArray(options.command) || options.command.length === 0) {
      throw new Error(`evaluationMethod.command command must be a non-empty list, got ${Array.isArray(options.command) ? JSON.stringify(options.command) : show(options.command)}: `
        + "e.g. ['python3', '/opt/program/score.py']");
    }
    return new EvaluationMethod(EvaluationKind.COMMAND, options.command, options.arguments ?? [], undefined);
  }

  /**
   * No evaluation step: registration follows training, and a quality gate
   * must read a training metric (`QualityGate.onTrainingMetric`).
   */
  public static none(): EvaluationMethod {
    return new EvaluationMethod(EvaluationKind.NONE, [], undefined, undefined);
  }

  /** What kind of method this is. */
  public readonly kind: EvaluationKind;

  /** The processing job's entrypoint (the interpreter, for a script). */
  public readonly entrypoint: string[];

  /**
   * The arguments.
   *
   * @default - the contract's
   */
  public readonly arguments?: string[];

  /**
   * The script's local path.
   *
   * @default - no script
   */
  public readonly scriptPath?: string;

  private constructor(kind: EvaluationKind, command: string[], args: string[] | undefined, scriptPath: string | undefined) {
    this.kind = kind;
    this.entrypoint = command;
    this.arguments = args;
    this.scriptPath = scriptPath;
  }
}
