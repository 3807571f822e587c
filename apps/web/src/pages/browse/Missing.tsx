import { Link } from '../../router.js';

/** A page that is not there: says so under the page's one heading and offers a way on. */
export function Missing({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <section className="missing">
      <h1>{title}</h1>
      <p>{children ?? 'The link may be broken, or the page may have been removed.'}</p>
      <p className="missing-links">
        <Link to="/" className="button-primary">
          Go to Trending
        </Link>
        <Link to="/search">Search Coliving</Link>
      </p>
    </section>
  );
}

/** True for the SDK's "there is no such thing" error. */
export function isNotFound(error: unknown): boolean {
  return (error as { type?: string } | null)?.type === 'not_found';
}
