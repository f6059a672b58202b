// The lesson's steps as a link names them (lesson=k, 1-based), without the lesson itself: the
// embed reads its parameters before it is ready, and the lesson (shared/lesson.js, whose STEPS
// follow this order: tests/unit/lesson.test.mjs checks) loads only with ?lesson=k (issue 22:
// bytes before ready).

import { cut } from './text.js';

/** Each step's id, in the lesson's order. */
export const STEP_IDS = ['overlap', 'turns', 'parallel', 'cpu-bound', 'gil', 'multiprocessing', 'efficiency', 'performance',
  'responsive', 'server', 'race', 'deadlock'];

/**
 * The step a link names (`lesson=k`, 1-based): `{ index, problem }`, `index` null when the
 * link names none; a bad value names the range and shows the first step.
 */
export function readLessonParam(value) {
  if (value === null || value === undefined) return { index: null, problem: null };
  const k = Number(value);
  if (Number.isInteger(k) && k >= 1 && k <= STEP_IDS.length) return { index: k - 1, problem: null };
  return { index: 0, problem: `lesson=${cut(String(value))} is not a step: the lesson has steps 1 to ${STEP_IDS.length}; showing step 1.` };
}
