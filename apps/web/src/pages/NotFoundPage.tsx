import { useTitle } from '../router.js';
import { Missing } from './browse/Missing.js';
import './pages.css';

export default function NotFoundPage() {
  useTitle('Page not found');
  return (
    <Missing title="Page not found">
      There is nothing here. The link may be broken, or the page may have moved.
    </Missing>
  );
}
