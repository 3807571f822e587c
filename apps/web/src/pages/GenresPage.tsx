import { GENRES, MOODS } from '@coliving/protocol';
import { Link, useTitle } from '../router.js';
import './genres.css';
import './pages.css';

/** `/genres`: every genre and mood, each linking to its page. */
export default function GenresPage() {
  useTitle('Genres and moods');
  return (
    <div className="page genres-page">
      <h1>Genres and moods</h1>
      <section aria-labelledby="genres-genres">
        <h2 id="genres-genres">Genres</h2>
        <ul className="chip-list">
          {GENRES.map((genre) => (
            <li key={genre}>
              <Link to={`/genre/${encodeURIComponent(genre)}`}>{genre}</Link>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="genres-moods">
        <h2 id="genres-moods">Moods</h2>
        <ul className="chip-list">
          {MOODS.map((mood) => (
            <li key={mood}>
              <Link to={`/mood/${encodeURIComponent(mood)}`}>{mood}</Link>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
