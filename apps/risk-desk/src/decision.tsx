import { useRef, useState } from 'react';
import { ApiError } from './api';
import { useI18n } from './i18n';

/** One button of a decision, and why this user may not press it (null: it may). */
export interface DecisionChoice<A extends string> {
  action: A;
  label: string;
  className: 'release' | 'reject';
  refusal: string | null;
}

/**
 * The decision cell of the holds and limit-requests queues: a mandatory reason
 * and one button per choice. A refused button stays in place, aria-disabled,
 * with the reason it is refused, so a keyboard or screen-reader user learns why;
 * the API's answer to a failed decision is shown next to the reason.
 */
export function DecisionControls<A extends string>({
  id,
  reasonLabel,
  choices,
  send,
}: {
  id: string;
  reasonLabel: string;
  choices: DecisionChoice<A>[];
  /** Sends the decision with its trimmed reason (the row announces the outcome). */
  send: (action: A, reason: string) => Promise<void>;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const refusals = [...new Set(choices.map((c) => c.refusal).filter((r): r is string => r !== null))];

  const decide = async (choice: DecisionChoice<A>) => {
    if (choice.refusal !== null || busy) return;
    if (!reason.trim()) {
      setProblem(t('reasonRequired'));
      input.current?.focus();
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      await send(choice.action, reason.trim());
    } catch (error) {
      setProblem(error instanceof ApiError ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="decision">
      {choices.some((c) => c.refusal === null) && (
        <>
          <label htmlFor={`${id}-reason`} className="visually-hidden">
            {reasonLabel}
          </label>
          <input
            id={`${id}-reason`}
            ref={input}
            value={reason}
            placeholder={t('reason')}
            onChange={(e) => {
              setReason(e.target.value);
              setProblem(null);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') e.preventDefault();
            }}
            aria-invalid={problem !== null}
            aria-describedby={problem ? `${id}-problem` : undefined}
          />
        </>
      )}
      {choices.map((choice) => (
        <button
          key={choice.action}
          type="button"
          className={choice.className}
          aria-disabled={choice.refusal !== null || busy}
          aria-describedby={choice.refusal ? `${id}-why` : undefined}
          onClick={() => void decide(choice)}
        >
          {choice.label}
        </button>
      ))}
      {refusals.length > 0 && (
        <span className="why" id={`${id}-why`}>
          {refusals.join(' ')}
        </span>
      )}
      {problem && (
        <span className="field-error" id={`${id}-problem`} role="alert">
          {problem}
        </span>
      )}
    </div>
  );
}
