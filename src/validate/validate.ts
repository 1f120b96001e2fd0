import type { Evaluation, ValidatedEvaluation } from '../model/evaluation.js';
import type { Confidence, Flag } from '../model/flag.js';
import {
  budgetWithdrawn, executionRates, fundingLines, levelWeights, requiredFields, scoresWithinWeights, totalReadable, totalScore, totalWeight,
} from './rules.js';

const RULES = [
  requiredFields, totalReadable, scoresWithinWeights, levelWeights, totalWeight, totalScore, executionRates, fundingLines, budgetWithdrawn,
] as const;

export function confidenceOf(flags: ReadonlyArray<Pick<Flag, 'severity'>>): Confidence {
  if (flags.some((f) => f.severity === 'error')) return 'low';
  if (flags.some((f) => f.severity === 'warn')) return 'medium';
  return 'high';
}

/** The form's own rules → flags (added to the repairs already recorded) → a confidence level. */
export function validate(evaluation: Evaluation): ValidatedEvaluation {
  const flags = [...evaluation.flags, ...RULES.flatMap((rule) => rule(evaluation))];
  return { ...evaluation, flags, confidence: confidenceOf(flags) };
}
