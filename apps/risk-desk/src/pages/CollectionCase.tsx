import { useEffect, useState } from 'react';
import { CollectionHistory, customerPath } from '../api';
import { formatAmount, formatDate, formatInstant } from '../format';
import { LabelKey, useI18n } from '../i18n';
import { useSession } from '../session';
import { ErrorNote, Money } from '../ui';

/**
 * The customer's collection case (spec section 12) as the engine projected it,
 * and its history: the calls, notes, promises and stage changes recorded,
 * newest first. It loads again whenever `reloadKey` changes (the page's
 * data, reloaded on live events).
 */
export function CollectionCase({ customerId, reloadKey }: { customerId: string; reloadKey: unknown }) {
  const { api, companyId } = useSession();
  const { t, locale } = useI18n();
  const [history, setHistory] = useState<CollectionHistory | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    api
      .get<CollectionHistory>(customerPath(companyId, customerId, '/collection-actions?limit=100'))
      .then((body) => {
        setHistory(body);
        setError(null);
      })
      .catch(setError);
  }, [api, companyId, customerId, reloadKey]);

  const kase = history?.case ?? null;
  return (
    <section aria-labelledby="collection-title" data-collection>
      <h3 id="collection-title">{t('collectionTitle')}</h3>
      {error !== null && <ErrorNote error={error} />}
      {history === null ? (
        <p>{t('loading')}</p>
      ) : (
        <>
          {kase === null ? (
            <p data-no-case>{t('noCase')}</p>
          ) : (
            <dl className="summary" data-case={kase.caseId}>
              <div>
                <dt>{t('caseStage')}</dt>
                <dd data-stage={kase.stage}>{t(`stage:${kase.stage}` as LabelKey)}</dd>
              </div>
              <div>
                <dt>{t('dunningLevel')}</dt>
                <dd>
                  {kase.level === 0
                    ? '—'
                    : `${kase.level}${kase.action ? ` (${t(`suggest:${kase.action}` as LabelKey)})` : ''}`}
                </dd>
              </div>
              <div>
                <dt>{t('levelReachedOn')}</dt>
                <dd>{formatDate(kase.levelReachedOn, locale)}</dd>
              </div>
              <div>
                <dt>{t('caseOverdue')}</dt>
                <dd>
                  <Money value={kase.overdueAmount} />
                </dd>
              </div>
              <div>
                <dt>{t('oldestDueDate')}</dt>
                <dd>{formatDate(kase.oldestDueDate, locale)}</dd>
              </div>
              <div>
                <dt>{t('assignedTo')}</dt>
                <dd>{kase.assignee ?? '—'}</dd>
              </div>
              <div>
                <dt>{t('casePromise')}</dt>
                <dd data-promise-status={kase.promise?.status ?? ''}>
                  {kase.promise
                    ? `${t('promiseOf', {
                        amount: formatAmount(kase.promise.amount, locale),
                        date: formatDate(kase.promise.date, locale),
                      })}: ${t(`promiseStatus:${kase.promise.status}` as LabelKey)}`
                    : '—'}
                </dd>
              </div>
            </dl>
          )}
          <table className="case-history">
            <caption>{t('caseHistory')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('recordedAt')}</th>
                <th scope="col">{t('actionType')}</th>
                <th scope="col">{t('actionText')}</th>
                <th scope="col">{t('casePromise')}</th>
                <th scope="col">{t('recordedBy')}</th>
              </tr>
            </thead>
            <tbody>
              {history.items.length === 0 && (
                <tr>
                  <td colSpan={5}>{t('noActions')}</td>
                </tr>
              )}
              {history.items.map((a) => (
                <tr key={a.actionId} data-action={a.type}>
                  <td>{formatInstant(a.recordedAt, locale)}</td>
                  <td>
                    {t(`actionType:${a.type}` as LabelKey)}
                    {a.stage ? `: ${t(`stage:${a.stage}` as LabelKey)}` : ''}
                    {a.assignee ? ` → ${a.assignee}` : ''}
                  </td>
                  <td>{a.text}</td>
                  <td>
                    {a.promise
                      ? t('promiseOf', {
                          amount: formatAmount(a.promise.amount, locale),
                          date: formatDate(a.promise.date, locale),
                        })
                      : ''}
                  </td>
                  <td>{a.recordedBy}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
