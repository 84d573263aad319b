import { FormEvent, useCallback, useEffect, useState } from 'react';
import {
  ApiError,
  companyPath,
  NOTIFICATION_CHANNELS,
  NotificationChannel,
  Page,
  Subscription,
} from '../api';
import { LabelKey, useI18n } from '../i18n';
import { useSession } from '../session';
import { ErrorNote } from '../ui';

/** The output events a subscription may ask for (risk.breaches and risk.blocks). */
const EVENT_TYPES = [
  'exposure.statusChanged',
  'overdue.changed',
  'customer.blocked',
  'customer.unblocked',
  'document.held',
  'document.released',
  'document.rejected',
  'document.warned',
] as const;
const RISK_CLASSES = ['A', 'B', 'C', 'D'] as const;
const CHANNEL_LABEL: Record<NotificationChannel, LabelKey> = {
  email: 'channelEmail',
  webhook: 'channelWebhook',
  inbox: 'channelInbox',
};
const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const AMOUNT_PATTERN = /^[0-9]{1,13}(\.[0-9]{1,2})?$/;

interface Draft {
  subscriptionId: string;
  channel: NotificationChannel;
  target: string;
  eventTypes: string[];
  salesAgentIds: string;
  customerIds: string;
  minExcess: string;
  riskClasses: string[];
  digest: 'immediate' | 'daily';
  secret: string;
  enabled: boolean;
}

const EMPTY: Draft = {
  subscriptionId: '',
  channel: 'email',
  target: '',
  eventTypes: ['exposure.statusChanged', 'customer.blocked'],
  salesAgentIds: '',
  customerIds: '',
  minExcess: '',
  riskClasses: [],
  digest: 'immediate',
  secret: '',
  enabled: true,
};

const draftOf = (s: Subscription): Draft => ({
  subscriptionId: s.subscriptionId,
  channel: s.channel,
  target: s.target,
  eventTypes: s.eventTypes,
  salesAgentIds: (s.filter.salesAgentIds ?? []).join(', '),
  customerIds: (s.filter.customerIds ?? []).join(', '),
  minExcess: s.filter.minExcess ?? '',
  riskClasses: s.filter.riskClasses ?? [],
  digest: s.digest,
  secret: '',
  enabled: s.enabled,
});

const list = (text: string) =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

/** The PUT body: only the filters that are set; the secret only when typed (it is never read back). */
function bodyOf(d: Draft): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  if (list(d.salesAgentIds).length) filter.salesAgentIds = list(d.salesAgentIds);
  if (list(d.customerIds).length) filter.customerIds = list(d.customerIds);
  if (d.minExcess.trim()) filter.minExcess = d.minExcess.trim();
  if (d.riskClasses.length) filter.riskClasses = d.riskClasses;
  return {
    channel: d.channel,
    target: d.target.trim(),
    eventTypes: d.eventTypes,
    ...(Object.keys(filter).length ? { filter } : {}),
    digest: d.digest,
    ...(d.channel === 'webhook' && d.secret ? { secret: d.secret } : {}),
    enabled: d.enabled,
  };
}

type Problems = Partial<Record<'subscriptionId' | 'target' | 'eventTypes' | 'minExcess' | 'secret', string>>;

/**
 * Alert subscriptions of the company (credit managers): who receives which
 * events, through PUT/GET/DELETE …/subscriptions/{subscriptionId}.
 */
export function Subscriptions() {
  const { api, companyId } = useSession();
  const { t } = useI18n();
  const [items, setItems] = useState<Subscription[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [editing, setEditing] = useState<string | null>(null);
  const [problems, setProblems] = useState<Problems>({});
  const [notice, setNotice] = useState<string | null>(null);
  const base = companyPath(companyId, '/subscriptions');

  const load = useCallback(async () => {
    try {
      setItems((await api.get<Page<Subscription>>(`${base}?limit=200`)).items);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [api, base]);

  useEffect(() => {
    void load();
  }, [load]);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const toggle = (key: 'eventTypes' | 'riskClasses', value: string) =>
    setDraft((d) => ({
      ...d,
      [key]: d[key].includes(value) ? d[key].filter((v) => v !== value) : [...d[key], value],
    }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setNotice(null);
    const found: Problems = {};
    if (!ID_PATTERN.test(draft.subscriptionId)) found.subscriptionId = t('mustBeSubscriptionId');
    if (!draft.target.trim()) found.target = t('targetRequired');
    if (draft.eventTypes.length === 0) found.eventTypes = t('mustChooseEvent');
    if (draft.minExcess.trim() && !AMOUNT_PATTERN.test(draft.minExcess.trim()))
      found.minExcess = t('mustBeAmount');
    setProblems(found);
    if (Object.keys(found).length) return;
    try {
      await api.request('PUT', `${base}/${encodeURIComponent(draft.subscriptionId)}`, bodyOf(draft));
      setNotice(t('saved'));
      setDraft(EMPTY);
      setEditing(null);
      await load();
    } catch (err) {
      if (err instanceof ApiError && err.errors.length) {
        const fromApi: Problems = {};
        for (const field of ['target', 'eventTypes', 'secret', 'minExcess'] as const) {
          const about = err.about(field === 'minExcess' ? 'filter.minExcess' : field);
          if (about.length) fromApi[field] = about.join('; ');
        }
        setProblems(fromApi);
      }
      setError(err);
    }
  };

  const remove = async (id: string) => {
    try {
      await api.request('DELETE', `${base}/${encodeURIComponent(id)}`);
      setNotice(t('deletedSubscription', { id }));
      if (editing === id) {
        setDraft(EMPTY);
        setEditing(null);
      }
      await load();
    } catch (err) {
      setError(err);
    }
  };

  const field = (name: keyof Problems) => ({
    'aria-invalid': Boolean(problems[name]),
    'aria-describedby': problems[name] ? `sub-${name}-error` : undefined,
  });
  const problem = (name: keyof Problems) => (
    <span className="field-error" id={`sub-${name}-error`}>
      {problems[name] ?? ''}
    </span>
  );

  return (
    <section aria-labelledby="subscriptions-title">
      <h2 id="subscriptions-title">{t('navSubscriptions')}</h2>
      <p className="hint">{t('subscriptionsHelp')}</p>
      {error !== null && <ErrorNote error={error} onRetry={() => void load()} />}
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      {items === null ? (
        error === null && <p>{t('loading')}</p>
      ) : (
        <table className="subscriptions">
          <thead>
            <tr>
              <th scope="col">{t('subscriptionId')}</th>
              <th scope="col">{t('channel')}</th>
              <th scope="col">{t('target')}</th>
              <th scope="col">{t('eventTypes')}</th>
              <th scope="col">{t('enabled')}</th>
              <th scope="col">{t('action')}</th>
            </tr>
          </thead>
          <tbody>
            {items.length === 0 && (
              <tr>
                <td colSpan={6}>{t('noSubscriptions')}</td>
              </tr>
            )}
            {items.map((s) => (
              <tr key={s.subscriptionId} data-subscription={s.subscriptionId}>
                <th scope="row">{s.subscriptionId}</th>
                <td>{t(CHANNEL_LABEL[s.channel] ?? 'channelEmail')}</td>
                <td>{s.target}</td>
                <td>{s.eventTypes.map((e) => t(e as LabelKey)).join(', ')}</td>
                <td>{s.enabled ? t('yes') : t('no')}</td>
                <td>
                  <button
                    type="button"
                    aria-label={t('editOf', { id: s.subscriptionId })}
                    onClick={() => {
                      setDraft(draftOf(s));
                      setEditing(s.subscriptionId);
                      setProblems({});
                    }}
                  >
                    {t('edit')}
                  </button>{' '}
                  <button
                    type="button"
                    aria-label={t('deleteOf', { id: s.subscriptionId })}
                    onClick={() => void remove(s.subscriptionId)}
                  >
                    {t('delete')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <form
        className="panel"
        aria-labelledby="subscription-form-title"
        onSubmit={(e) => void submit(e)}
        noValidate
      >
        <h3 id="subscription-form-title">{editing ? t('editOf', { id: editing }) : t('newSubscription')}</h3>
        <div className={`field${problems.subscriptionId ? ' invalid' : ''}`}>
          <label htmlFor="sub-id">{t('subscriptionId')}</label>
          <input
            id="sub-id"
            value={draft.subscriptionId}
            readOnly={editing !== null}
            onChange={(e) => set('subscriptionId', e.target.value)}
            {...field('subscriptionId')}
          />
          {problem('subscriptionId')}
        </div>
        <div className="field">
          <label htmlFor="sub-channel">{t('channel')}</label>
          <select
            id="sub-channel"
            value={draft.channel}
            onChange={(e) => set('channel', e.target.value as NotificationChannel)}
          >
            {NOTIFICATION_CHANNELS.map((c) => (
              <option key={c} value={c}>
                {t(CHANNEL_LABEL[c])}
              </option>
            ))}
          </select>
        </div>
        <div className={`field${problems.target ? ' invalid' : ''}`}>
          <label htmlFor="sub-target">{t('target')}</label>
          <input
            id="sub-target"
            value={draft.target}
            onChange={(e) => set('target', e.target.value)}
            {...field('target')}
            aria-describedby={`sub-target-hint${problems.target ? ' sub-target-error' : ''}`}
          />
          <span className="hint" id="sub-target-hint">
            {t('targetHint')}
          </span>
          {problem('target')}
        </div>
        <fieldset
          className={problems.eventTypes ? 'invalid' : undefined}
          aria-describedby="sub-eventTypes-error"
        >
          <legend>{t('eventTypes')}</legend>
          <Checkboxes
            values={EVENT_TYPES}
            label={(type) => t(type)}
            checked={draft.eventTypes}
            onToggle={(type) => toggle('eventTypes', type)}
          />
          {problem('eventTypes')}
        </fieldset>
        <div className="field">
          <label htmlFor="sub-agents">{t('filterAgents')}</label>
          <input
            id="sub-agents"
            value={draft.salesAgentIds}
            onChange={(e) => set('salesAgentIds', e.target.value)}
            aria-describedby="sub-list-hint"
          />
        </div>
        <div className="field">
          <label htmlFor="sub-customers">{t('filterCustomers')}</label>
          <input
            id="sub-customers"
            value={draft.customerIds}
            onChange={(e) => set('customerIds', e.target.value)}
            aria-describedby="sub-list-hint"
          />
          <span className="hint" id="sub-list-hint">
            {t('commaSeparated')}
          </span>
        </div>
        <div className={`field${problems.minExcess ? ' invalid' : ''}`}>
          <label htmlFor="sub-min-excess">{t('filterMinExcess')}</label>
          <input
            id="sub-min-excess"
            inputMode="decimal"
            value={draft.minExcess}
            onChange={(e) => set('minExcess', e.target.value)}
            {...field('minExcess')}
          />
          {problem('minExcess')}
        </div>
        <fieldset>
          <legend>{t('filterRiskClasses')}</legend>
          <Checkboxes
            values={RISK_CLASSES}
            label={(c) => c}
            checked={draft.riskClasses}
            onToggle={(c) => toggle('riskClasses', c)}
          />
        </fieldset>
        <div className="field">
          <label htmlFor="sub-digest">{t('digest')}</label>
          <select
            id="sub-digest"
            value={draft.digest}
            onChange={(e) => set('digest', e.target.value as Draft['digest'])}
          >
            <option value="immediate">{t('digestImmediate')}</option>
            <option value="daily">{t('digestDaily')}</option>
          </select>
        </div>
        {draft.channel === 'webhook' && (
          <div className={`field${problems.secret ? ' invalid' : ''}`}>
            <label htmlFor="sub-secret">{t('secret')}</label>
            <input
              id="sub-secret"
              type="password"
              autoComplete="new-password"
              value={draft.secret}
              onChange={(e) => set('secret', e.target.value)}
              aria-describedby={`sub-secret-hint${problems.secret ? ' sub-secret-error' : ''}`}
              aria-invalid={Boolean(problems.secret)}
            />
            <span className="hint" id="sub-secret-hint">
              {t('secretHint')}
            </span>
            {problem('secret')}
          </div>
        )}
        <label className="check">
          <input type="checkbox" checked={draft.enabled} onChange={(e) => set('enabled', e.target.checked)} />{' '}
          {t('enabled')}
        </label>
        <div className="actions">
          <button type="submit">{t('save')}</button>{' '}
          {editing !== null && (
            <button
              type="button"
              onClick={() => {
                setDraft(EMPTY);
                setEditing(null);
                setProblems({});
              }}
            >
              {t('cancel')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

/** One labelled checkbox per value, for a multiple choice inside a fieldset. */
function Checkboxes<T extends string>({
  values,
  label,
  checked,
  onToggle,
}: {
  values: readonly T[];
  label: (value: T) => string;
  checked: readonly string[];
  onToggle: (value: T) => void;
}) {
  return (
    <>
      {values.map((value) => (
        <label key={value} className="check">
          <input type="checkbox" checked={checked.includes(value)} onChange={() => onToggle(value)} />{' '}
          {label(value)}
        </label>
      ))}
    </>
  );
}
