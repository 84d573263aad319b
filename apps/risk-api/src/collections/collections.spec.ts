import { RecordCollectionActionBody } from './collections.dto';
import { actionShapeErrors, stageChangeProblem } from './collections.service';
import { dunningLevelErrors } from './dunning-policy.dto';

const body = (fields: Partial<RecordCollectionActionBody>) =>
  ({ type: 'call', text: 'x', ...fields }) as RecordCollectionActionBody;

describe('collection action rules', () => {
  it('requires promise, stage and assignee with their type, and allows promise and stage only there', () => {
    expect(actionShapeErrors(body({ type: 'call' }))).toEqual([]);
    expect(actionShapeErrors(body({ type: 'note', assignee: 'anna' }))).toEqual([]);
    expect(actionShapeErrors(body({ type: 'promise' }))).toEqual([
      'promise is required when type is promise',
    ]);
    expect(actionShapeErrors(body({ type: 'stage' }))).toEqual(['stage is required when type is stage']);
    expect(actionShapeErrors(body({ type: 'assign' }))).toEqual(['assignee is required when type is assign']);
    expect(
      actionShapeErrors(
        body({ type: 'call', stage: 'legal', promise: { amount: '1.00', date: '2026-01-01' } }),
      ),
    ).toEqual(['promise is allowed only when type is promise', 'stage is allowed only when type is stage']);
  });

  it('moves a case forward only: legal from dunning, written-off from dunning or legal, none without a case', () => {
    expect(stageChangeProblem(undefined, 'legal')).toContain('has no open collection case');
    expect(stageChangeProblem('dunning', 'legal')).toBeNull();
    expect(stageChangeProblem('dunning', 'written-off')).toBeNull();
    expect(stageChangeProblem('legal', 'written-off')).toBeNull();
    expect(stageChangeProblem('legal', 'legal')).toBe('is already in stage legal');
    expect(stageChangeProblem('written-off', 'legal')).toContain('changes no more');
    expect(stageChangeProblem('written-off', 'written-off')).toBe('is already in stage written-off');
  });

  it('wants dunning levels numbered 1..n with days strictly increasing, naming each offending field', () => {
    const level = (n: number, days: number) => ({ level: n, daysOverdue: days, action: 'reminder' as const });
    expect(dunningLevelErrors([level(1, 0), level(2, 1), level(3, 90)])).toEqual([]);
    expect(dunningLevelErrors([level(1, 7), level(3, 21), level(3, 21)])).toEqual([
      'levels[1].level must be 2 (levels are numbered 1..n in order)',
      'levels[2].daysOverdue must be > levels[1].daysOverdue (21 <= 21)',
    ]);
  });
});
