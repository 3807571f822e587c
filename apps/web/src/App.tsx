import { type ComponentType, Suspense, lazy, useEffect, useRef } from 'react';
import { NextPageNotice } from './components/NextPageNotice.js';
import { PageErrorBoundary } from './components/PageErrorBoundary.js';
import { Loading } from './components/States.js';
import { formatDgco } from './money/dgco.js';
import { useWallet } from './money/wallet.js';
import { PlayerBar } from './player/PlayerBar.js';
import { Link, useLocation } from './router.js';
import { AuthLink } from './pages/account/AccountGate.js';
import { useSession } from './session.js';

// Pages load on demand, so the first paint carries only the shell, the player and the page shown.
const TrendingPage = lazy(() => import('./pages/TrendingPage.js'));
const SearchPage = lazy(() => import('./pages/SearchPage.js'));
const LibraryPage = lazy(() => import('./pages/LibraryPage.js'));
const UploadPage = lazy(() => import('./pages/UploadPage.js'));
const LogInPage = lazy(() => import('./pages/LogInPage.js'));
const SignUpPage = lazy(() => import('./pages/SignUpPage.js'));
const SettingsPage = lazy(() => import('./pages/SettingsPage.js'));
const ProfilePage = lazy(() => import('./pages/ProfilePage.js'));
const TrackPage = lazy(() => import('./pages/TrackPage.js'));
const PlaylistPage = lazy(() => import('./pages/PlaylistPage.js'));
const StatsPage = lazy(() => import('./pages/StatsPage.js'));
const HistoryPage = lazy(() => import('./pages/HistoryPage.js'));
const WalletPage = lazy(() => import('./pages/WalletPage.js'));
const SalesPage = lazy(() => import('./pages/SalesPage.js'));
const GenrePage = lazy(() => import('./pages/GenrePage.js'));
const GenresPage = lazy(() => import('./pages/GenresPage.js'));
const NewReleasesPage = lazy(() => import('./pages/NewReleasesPage.js'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage.js'));
const ConsentPage = lazy(() => import('./oauth/ConsentPage.js'));

export type RouteMatch = {
  page: ComponentType<Record<string, string>>;
  params: Record<string, string>;
};

/** Pages at fixed paths; each path's first segment is a reserved handle or has a "-". */
export const FIXED: Record<string, ComponentType<Record<string, string>>> = {
  '/': TrendingPage,
  '/trending': TrendingPage,
  '/search': SearchPage,
  '/library': LibraryPage,
  '/upload': UploadPage,
  '/login': LogInPage,
  '/signup': SignUpPage,
  '/settings': SettingsPage,
  // All are reserved handles (@coliving/protocol's RESERVED_HANDLES), so no profile hides behind.
  '/dashboard': StatsPage,
  '/history': HistoryPage,
  '/wallet': WalletPage,
  '/dashboard/sales': SalesPage,
  '/genres': GenresPage,
  // Not a handle: handles have no "-".
  '/new-releases': NewReleasesPage,
  // Log in with Coliving's consent page (docs/design.md §12).
  '/oauth/auth': ConsentPage,
};

/** Maps a path to its page: fixed pages first, then /handle, /handle/slug, /handle/playlist/slug. */
export function matchRoute(path: string): RouteMatch {
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const fixed = FIXED[clean];
  if (fixed) return { page: fixed, params: {} };
  const parts = clean.split('/').filter(Boolean);
  // "genre" and "mood" are reserved handles, so /genre/<name> is never a track's page. The path
  // comes decoded (useLocation), so "Hip-Hop%2FRap" arrives as two segments: the rest is the name.
  if (parts.length >= 2 && (parts[0] === 'genre' || parts[0] === 'mood')) {
    return { page: GenrePage, params: { kind: parts[0], name: parts.slice(1).join('/') } };
  }
  if (parts.length === 1) return { page: ProfilePage, params: { handle: parts[0]! } };
  if (parts.length === 2)
    return { page: TrackPage, params: { handle: parts[0]!, slug: parts[1]! } };
  if (parts.length === 3 && (parts[1] === 'playlist' || parts[1] === 'album')) {
    return {
      page: PlaylistPage,
      params: { handle: parts[0]!, kind: parts[1], slug: parts[2]! },
    };
  }
  return { page: NotFoundPage, params: {} };
}

function Nav() {
  const session = useSession();
  const { path } = useLocation();
  const current = (to: string) => (path === to ? 'page' : undefined);
  return (
    <nav className="sidebar" aria-label="Main">
      <Link to="/" className="brand" aria-label="Coliving home">
        <span aria-hidden="true" className="brand-mark" />
        Coliving
      </Link>
      <ul>
        <li>
          <Link to="/trending" aria-current={current('/trending')}>
            Trending
          </Link>
        </li>
        <li>
          <Link to="/genres" aria-current={current('/genres')}>
            Genres
          </Link>
        </li>
        {session.user && (
          <li>
            <Link to="/new-releases" aria-current={current('/new-releases')}>
              New releases
            </Link>
          </li>
        )}
        <li>
          <Link to="/search" aria-current={current('/search')}>
            Search
          </Link>
        </li>
        <li>
          <Link to="/library" aria-current={current('/library')}>
            Library
          </Link>
        </li>
        <li>
          <Link to="/history" aria-current={current('/history')}>
            History
          </Link>
        </li>
        <li>
          <Link to="/upload" aria-current={current('/upload')}>
            Upload
          </Link>
        </li>
        {session.user && (
          <>
            <li>
              <Link to="/dashboard" aria-current={current('/dashboard')}>
                Your stats
              </Link>
            </li>
            <li>
              <Link to="/dashboard/sales" aria-current={current('/dashboard/sales')}>
                Sales
              </Link>
            </li>
          </>
        )}
      </ul>
      <div className="account">
        {session.status === 'signed-in' ? (
          <>
            {session.user ? (
              <Link to={`/${session.user.handle}`}>@{session.user.handle}</Link>
            ) : (
              <span>Signed in</span>
            )}
            <NavBalance current={current('/wallet')} />
            <Link to="/settings">Settings</Link>
            <button type="button" className="link-button" onClick={() => session.logOut()}>
              Log out
            </button>
          </>
        ) : session.status === 'anonymous' ? (
          <>
            <AuthLink to="/login">Log in</AuthLink>
            <AuthLink to="/signup" className="button-primary">
              Sign up
            </AuthLink>
          </>
        ) : null}
      </div>
    </nav>
  );
}

/** The wallet's DGCO balance, linking to the wallet page. */
function NavBalance({ current }: { current: 'page' | undefined }) {
  const { balance } = useWallet();
  const words = balance === null ? 'Wallet' : formatDgco(balance);
  return (
    <Link
      to="/wallet"
      className="nav-balance"
      aria-current={current}
      aria-label={balance === null ? 'Wallet' : `Wallet: ${words}`}
    >
      {words}
    </Link>
  );
}

/** The shell: navigation, the page for the current path, and the player bar under both. */
export function App() {
  const { path } = useLocation();
  const { page: Page, params } = matchRoute(path);
  // After an in-app navigation focus goes to the new page, as a page load would put it at the
  // top (the link that was clicked is usually gone), so keyboard and screen-reader users are
  // not left on <body>. The first render keeps the browser's own focus.
  const mainRef = useRef<HTMLElement>(null);
  const navigated = useRef(false);
  useEffect(() => {
    if (navigated.current) mainRef.current?.focus({ preventScroll: true });
    navigated.current = true;
  }, [path]);
  return (
    <div className="app">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <Nav />
      <main id="main" tabIndex={-1} ref={mainRef}>
        <NextPageNotice key={path} path={path} />
        <PageErrorBoundary key={path}>
          <Suspense fallback={<Loading />}>
            <Page {...params} />
          </Suspense>
        </PageErrorBoundary>
      </main>
      <PlayerBar />
    </div>
  );
}
