import { FormEvent, useEffect, useMemo, useState } from 'react';
import { Api, ApiError, hasRole, Me } from './api';
import { Locale } from './format';
import { I18nContext, translator, useI18n } from './i18n';
import { LiveContext, LiveHub, SessionContext } from './session';
import { Board } from './pages/Board';
import { CreditClasses } from './pages/CreditClasses';
import { DeadLetters } from './pages/DeadLetters';
import { CustomerPage } from './pages/Customer';
import { HoldsQueue } from './pages/Holds';
import { Inbox, useUnreadCount } from './pages/Inbox';
import { LimitRequests } from './pages/LimitRequests';
import { Settings } from './pages/Settings';
import { Subscriptions } from './pages/Subscriptions';
import { Today } from './pages/Today';

const TOKEN_KEY = 'risk-desk.token';
const COMPANY_KEY = 'risk-desk.company';
const LOCALE_KEY = 'risk-desk.locale';

type Route =
  | { page: 'board' }
  | { page: 'today' }
  | { page: 'customer'; customerId: string }
  | { page: 'holds' }
  | { page: 'limit-requests' }
  | { page: 'credit-classes' }
  | { page: 'settings' }
  | { page: 'inbox' }
  | { page: 'subscriptions' }
  | { page: 'dead-letters' };

function routeOf(hash: string): Route {
  const customer = /^#\/customers\/(.+)$/.exec(hash);
  if (customer) return { page: 'customer', customerId: decodeURIComponent(customer[1]) };
  if (hash === '#/today') return { page: 'today' };
  if (hash === '#/holds') return { page: 'holds' };
  if (hash === '#/limit-requests') return { page: 'limit-requests' };
  if (hash === '#/credit-classes') return { page: 'credit-classes' };
  if (hash === '#/settings') return { page: 'settings' };
  if (hash === '#/inbox') return { page: 'inbox' };
  if (hash === '#/subscriptions') return { page: 'subscriptions' };
  if (hash === '#/dead-letters') return { page: 'dead-letters' };
  return { page: 'board' };
}

function useHashRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(routeOf(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

export function App() {
  const [locale, setLocale] = useState<Locale>(() => {
    const stored = localStorage.getItem(LOCALE_KEY);
    if (stored === 'it' || stored === 'en') return stored;
    return navigator.language.toLowerCase().startsWith('it') ? 'it' : 'en';
  });
  const i18n = useMemo(() => ({ locale, t: translator(locale) }), [locale]);
  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = i18n.t('appTitle');
    localStorage.setItem(LOCALE_KEY, locale);
  }, [locale, i18n]);

  // The token lives in sessionStorage: it survives a reload, not the closing of the tab.
  const [token, setToken] = useState(() => sessionStorage.getItem(TOKEN_KEY));
  const [me, setMe] = useState<Me | null>(null);
  const [signInError, setSignInError] = useState<string | null>(null);
  const api = useMemo(() => (token ? new Api(token) : null), [token]);

  useEffect(() => {
    if (!api) return;
    api
      .get<Me>('/v1/me')
      .then(setMe)
      .catch((error: unknown) => {
        sessionStorage.removeItem(TOKEN_KEY);
        setToken(null);
        setSignInError(error instanceof ApiError ? error.message : String(error));
      });
  }, [api]);

  const signIn = (value: string) => {
    sessionStorage.setItem(TOKEN_KEY, value);
    setSignInError(null);
    setMe(null);
    setToken(value);
  };
  const signOut = () => {
    sessionStorage.removeItem(TOKEN_KEY);
    setToken(null);
    setMe(null);
  };

  return (
    <I18nContext.Provider value={i18n}>
      <a className="skip" href="#main">
        {i18n.t('skipToContent')}
      </a>
      <header className="top">
        <h1>{i18n.t('appTitle')}</h1>
        <div className="language">
          <label htmlFor="language">{i18n.t('language')}</label>
          <select id="language" value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
            <option value="en">English</option>
            <option value="it">Italiano</option>
          </select>
        </div>
      </header>
      {api && me ? (
        <Desk api={api} me={me} onSignOut={signOut} />
      ) : (
        <SignIn onSignIn={signIn} error={signInError} pending={Boolean(token)} />
      )}
    </I18nContext.Provider>
  );
}

function SignIn({
  onSignIn,
  error,
  pending,
}: {
  onSignIn: (token: string) => void;
  error: string | null;
  pending: boolean;
}) {
  const { t } = useI18n();
  const [value, setValue] = useState('');
  const [missing, setMissing] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const token = value.trim();
    if (!token) return setMissing(true);
    onSignIn(token);
  };
  return (
    <main id="main" className="signin">
      <h2>{t('signInTitle')}</h2>
      <form onSubmit={submit} noValidate>
        <div className={`field${missing || error ? ' invalid' : ''}`}>
          <label htmlFor="token">{t('tokenLabel')}</label>
          <textarea
            id="token"
            rows={4}
            value={value}
            onChange={(e) => {
              setValue(e.target.value);
              setMissing(false);
            }}
            aria-describedby="token-hint token-error"
            aria-invalid={missing || Boolean(error)}
            autoComplete="off"
            spellCheck={false}
          />
          <span className="hint" id="token-hint">
            {t('tokenHelp')}
          </span>
          <span className="field-error" id="token-error" role="alert">
            {missing ? t('tokenRequired') : error ? t('tokenRejected', { message: error }) : ''}
          </span>
        </div>
        <button type="submit" disabled={pending}>
          {t('signIn')}
        </button>
      </form>
    </main>
  );
}

function Desk({ api, me, onSignOut }: { api: Api; me: Me; onSignOut: () => void }) {
  const { t } = useI18n();
  const route = useHashRoute();
  const [companyId, setCompanyId] = useState(() => {
    const stored = sessionStorage.getItem(COMPANY_KEY);
    if (me.companies === '*') return stored ?? '';
    return stored && me.companies.includes(stored) ? stored : (me.companies[0] ?? '');
  });
  const [typedCompany, setTypedCompany] = useState(companyId);
  const [liveState, setLiveState] = useState<'connecting' | 'live' | 'offline'>('connecting');
  const hub = useMemo(() => new LiveHub(), []);
  const { unread, refresh: refreshUnread } = useUnreadCount(api);
  // A breach or a block may have just put a notification in the inbox: count again shortly after.
  useEffect(() => {
    let timer: number | undefined;
    const soon = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(refreshUnread, 1000);
    };
    const stop = hub.listen({ onChange: soon, onReady: soon });
    return () => {
      stop();
      window.clearTimeout(timer);
    };
  }, [hub, refreshUnread]);

  useEffect(() => {
    if (companyId) sessionStorage.setItem(COMPANY_KEY, companyId);
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(companyId)) return;
    return api.follow(companyId, {
      onReady: () => hub.emitReady(),
      onChange: (event) => hub.emitChange(event),
      onState: setLiveState,
    });
  }, [api, companyId, hub]);

  const session = useMemo(() => ({ api, me, companyId }), [api, me, companyId]);
  const validCompany = /^[A-Za-z0-9_-]{1,32}$/.test(companyId);

  return (
    <SessionContext.Provider value={session}>
      <LiveContext.Provider value={hub}>
        <div className="bar-session">
          <span>{t('signedInAs', { subject: me.subject, roles: me.roles.join(', ') })}</span>
          {me.companies === '*' ? (
            <form
              className="company"
              onSubmit={(e) => {
                e.preventDefault();
                setCompanyId(typedCompany.trim());
              }}
            >
              <label htmlFor="company">{t('company')}</label>
              <input
                id="company"
                value={typedCompany}
                onChange={(e) => setTypedCompany(e.target.value)}
                aria-describedby="company-hint"
              />
              <span id="company-hint" className="hint">
                {t('companyHelp')}
              </span>
              <button type="submit">OK</button>
            </form>
          ) : (
            <div className="company">
              <label htmlFor="company">{t('company')}</label>
              <select id="company" value={companyId} onChange={(e) => setCompanyId(e.target.value)}>
                {me.companies.map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
            </div>
          )}
          <span className={`live live-${liveState}`} role="status" aria-live="polite" data-live={liveState}>
            {liveState === 'live' ? t('live') : liveState === 'connecting' ? t('connecting') : t('offline')}
          </span>
          <button type="button" onClick={onSignOut}>
            {t('signOut')}
          </button>
        </div>
        <nav aria-label={t('mainNav')}>
          <a
            href="#/board"
            aria-current={route.page === 'board' || route.page === 'customer' ? 'page' : undefined}
          >
            {t('navBoard')}
          </a>
          <a href="#/today" aria-current={route.page === 'today' ? 'page' : undefined}>
            {t('navToday')}
          </a>
          <a href="#/holds" aria-current={route.page === 'holds' ? 'page' : undefined}>
            {t('navHolds')}
          </a>
          <a href="#/limit-requests" aria-current={route.page === 'limit-requests' ? 'page' : undefined}>
            {t('navLimitRequests')}
          </a>
          <a href="#/credit-classes" aria-current={route.page === 'credit-classes' ? 'page' : undefined}>
            {t('navCreditClasses')}
          </a>
          <a href="#/settings" aria-current={route.page === 'settings' ? 'page' : undefined}>
            {t('navSettings')}
          </a>
          {hasRole(me.roles, 'credit-manager') && (
            <a href="#/subscriptions" aria-current={route.page === 'subscriptions' ? 'page' : undefined}>
              {t('navSubscriptions')}
            </a>
          )}
          {hasRole(me.roles, 'admin') && (
            <a href="#/dead-letters" aria-current={route.page === 'dead-letters' ? 'page' : undefined}>
              {t('navDeadLetters')}
            </a>
          )}
          <a
            href="#/inbox"
            aria-current={route.page === 'inbox' ? 'page' : undefined}
            data-unread={unread ?? ''}
          >
            {t('navInbox')}
            {unread !== null && unread > 0 && (
              <>
                <span className="count-badge" aria-hidden="true">
                  {unread}
                </span>
                <span className="visually-hidden">, {t('unreadCount', { n: unread })}</span>
              </>
            )}
          </a>
        </nav>
        <main id="main" tabIndex={-1}>
          {!validCompany ? null : route.page === 'customer' ? (
            <CustomerPage key={`${companyId}/${route.customerId}`} customerId={route.customerId} />
          ) : route.page === 'today' ? (
            <Today key={companyId} />
          ) : route.page === 'holds' ? (
            <HoldsQueue key={companyId} />
          ) : route.page === 'limit-requests' ? (
            <LimitRequests key={companyId} />
          ) : route.page === 'credit-classes' ? (
            <CreditClasses key={companyId} />
          ) : route.page === 'settings' ? (
            <Settings key={companyId} />
          ) : route.page === 'inbox' ? (
            <Inbox onChanged={refreshUnread} />
          ) : route.page === 'subscriptions' ? (
            <Subscriptions key={companyId} />
          ) : route.page === 'dead-letters' ? (
            <DeadLetters />
          ) : (
            <Board key={companyId} />
          )}
        </main>
      </LiveContext.Provider>
    </SessionContext.Provider>
  );
}
