/** Helpers of `DeepLearningContainer`: input checks and the version arithmetic of its error messages. */
import { Token } from 'aws-cdk-lib';
import { show } from './input';

/** What each required property looks like, for the error that says it is missing. */
const REQUIRED_EXAMPLES: Record<string, string> = {
  framework: 'DlcFramework.PYTORCH',
  scope: 'DlcScope.TRAINING',
  version: "'2.6'",
};

export function literal(property: string, value: string | undefined): string {
  if (value === undefined || value === null) {
    const example = REQUIRED_EXAMPLES[property] ?? `the image's ${property}`;
    throw new Error(`deepLearningContainer ${property} is required${value === null ? ', got null' : ''}: give it, e.g. ${example}`);
  }
  if (typeof value !== 'string') {
    throw new Error(`deepLearningContainer ${property} must be a string, got ${show(value)}: give it as text, e.g. ${REQUIRED_EXAMPLES[property] ?? "'py312'"}`);
  }
  if (Token.isUnresolved(value)) {
    throw new Error(`deepLearningContainer ${property} must be a literal string, got a token: `
      + 'it selects the image at synth time, so a deploy-time value cannot be used');
  }
  return value;
}

export function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** Orders `py3` < `py36` < `py310`: the first digit is the major version. */
export function comparePython(a: string, b: string): number {
  const key = (p: string): number[] => {
    const digits = p.replace(/^py/, '');
    return [Number(digits[0]), digits.length > 1 ? Number(digits.slice(1)) : -1];
  };
  const [ma, na] = key(a);
  const [mb, nb] = key(b);
  return ma !== mb ? ma - mb : na - nb;
}

/** A version as one number for distance: 2.10.1 → 2_010_001; 1.4-2-py312 → 1_004_002. */
export function magnitude(version: string): number {
  const parts = (version.match(/\d+/g) ?? []).slice(0, 3).map(Number);
  return parts.reduce((sum, part, i) => sum + Math.min(part, 999) * 1000 ** (2 - i), 0);
}

/** The three published versions closest to `requested`, in version order. */
export function nearestVersions(requested: string, versions: string[]): string[] {
  const target = magnitude(requested);
  return versions
    .map((v, index) => ({ v, index, distance: Math.abs(magnitude(v) - target) }))
    .sort((a, b) => a.distance - b.distance || b.index - a.index)
    .slice(0, 3)
    .sort((a, b) => a.index - b.index)
    .map((entry) => entry.v);
}
