import type { ReactNode } from 'react';
import { ErrorState, Loading } from '../../components/States.js';
import { Link, type LinkProps, useLocation } from '../../router.js';
import type { AccountState } from './useAccount.js';

/**
 * What a page that needs an account shows instead of itself: a loading state, a way to log in
 * (coming back to `next`) or, when `needsProfile`, a way to create the profile.
 */
export function AccountGate({
  account,
  title,
  next,
  needsProfile,
  why,
}: {
  account: AccountState;
  title: string;
  next: string;
  needsProfile: boolean;
  /** "to upload a track" */
  why: string;
}): ReactNode {
  switch (account.status) {
    case 'loading':
      return (
        <>
          <h1>{title}</h1>
          <Loading label="Checking your account" />
        </>
      );
    case 'error':
      return (
        <>
          <h1>{title}</h1>
          <ErrorState error={account.error} onRetry={account.retry} />
        </>
      );
    case 'anonymous':
      return (
        <section className="form-card gate">
          <h1>{title}</h1>
          <p>Log in {why}.</p>
          <p className="gate-actions">
            <Link to={withNext('/login', next)} className="button-primary">
              Log in
            </Link>
            <Link to={withNext('/signup', next)}>Create an account</Link>
          </p>
        </section>
      );
    case 'no-profile':
      if (!needsProfile) return null;
      return (
        <section className="form-card gate">
          <h1>{title}</h1>
          <p>You are logged in, but you have no profile yet. Create one {why}.</p>
          <p className="gate-actions">
            <Link to={withNext('/signup', next)} className="button-primary">
              Create your profile
            </Link>
          </p>
        </section>
      );
    case 'ready':
      return null;
  }
}

/** `/login?next=/upload`: the slashes of a path stay readable in the query. */
export function withNext(page: string, next: string | undefined): string {
  if (!next || next === '/') return page;
  return `${page}?next=${encodeURIComponent(next).replace(/%2F/gi, '/')}`;
}

/**
 * `/login` or `/signup` with `next` set to the page being shown (its query too), so logging in
 * or signing up comes back here. On the log-in and sign-up pages themselves it keeps their `next`.
 */
export function useAuthHref(page: '/login' | '/signup'): string {
  const { path, query } = useLocation();
  if (path === '/login' || path === '/signup')
    return withNext(page, query.get('next') ?? undefined);
  const search = query.toString();
  return withNext(page, search ? `${path}?${search}` : path);
}

/** A "Log in" or "Sign up" link that comes back to this page afterwards. */
export function AuthLink({ to, ...rest }: Omit<LinkProps, 'to'> & { to: '/login' | '/signup' }) {
  return <Link to={useAuthHref(to)} {...rest} />;
}
