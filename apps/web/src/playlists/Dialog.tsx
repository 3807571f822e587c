// A modal over the page: focus moves inside when it opens, Tab stays inside, Escape closes it,
// and focus goes back to what opened it when it closes.
import { type ReactNode, useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';
import './playlists.css';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** A modal titled `title`; Escape closes it when `onClose` is given (not while it must stay). */
export function Dialog({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose: (() => void) | undefined;
  children: ReactNode;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const node = box.current;
    if (node && !node.contains(document.activeElement)) {
      (node.querySelector<HTMLElement>('[autofocus], ' + FOCUSABLE) ?? node).focus();
    }
    return () => opener?.focus();
  }, []);
  // What it shows may change (loading, then the list; a button that had focus goes away): focus
  // that fell out to the page comes back inside.
  useEffect(() => {
    const node = box.current;
    if (node && (document.activeElement === document.body || !document.activeElement)) {
      (node.querySelector<HTMLElement>('[autofocus], ' + FOCUSABLE) ?? node).focus();
    }
  });
  return createPortal(
    <div
      className="playlist-dialog-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose?.();
      }}
    >
      <div
        ref={box}
        className="playlist-dialog"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        tabIndex={-1}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            onClose?.();
            return;
          }
          if (e.key !== 'Tab' || !box.current) return;
          const items = [...box.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
          if (items.length === 0) return;
          const first = items[0]!;
          const last = items[items.length - 1]!;
          if (e.shiftKey && document.activeElement === first) {
            e.preventDefault();
            last.focus();
          } else if (!e.shiftKey && document.activeElement === last) {
            e.preventDefault();
            first.focus();
          }
        }}
      >
        <h2>{title}</h2>
        {children}
      </div>
    </div>,
    document.body,
  );
}
