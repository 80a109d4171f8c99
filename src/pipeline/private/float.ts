/** A marker string in the definition JSON for a float literal; see `renderFloatLiterals`. */
export function floatLiteralMarker(value: number): string {
  return `@@sagemaker-float(${value})@@`;
}

const FLOAT_MARKER = /"@@sagemaker-float\(([^)"]+)\)@@"/g;

/**
 * Writes the float literals marked in rendered definition JSON with a decimal
 * point: JavaScript writes 1.0 as `1`, which the SageMaker SDK's local
 * executor refuses as the default of a Float parameter. CloudFormation values
 * (a resolved `Fn::Join`, say) are walked; only their literal strings change.
 */
export function renderFloatLiterals(rendered: any): any {
  if (typeof rendered === 'string') {
    return rendered.replace(FLOAT_MARKER, (_, n: string) => (/^-?\d+$/.test(n) ? `${n}.0` : n));
  }
  if (Array.isArray(rendered)) {
    return rendered.map(renderFloatLiterals);
  }
  if (typeof rendered === 'object' && rendered !== null) {
    return Object.fromEntries(Object.entries(rendered).map(([k, v]) => [k, renderFloatLiterals(v)]));
  }
  return rendered;
}
