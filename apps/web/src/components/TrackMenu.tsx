import type { Track } from '@coliving/sdk';
import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { usePlayer } from '../player/PlayerContext.js';
import { AddToPlaylistDialog } from '../playlists/AddToPlaylistDialog.js';
import { navigate } from '../router.js';
import { useSession } from '../session.js';
import './trackMenu.css';

type Item = { label: string; run: () => void };

/** How long "Plays next" / "Added to the queue" stays beside the button. */
const SAID_MS = 3000;

/**
 * A track's "More" menu (the WAI-ARIA menu button): Play next, Add to queue, Add to playlist…
 * and, for its owner, Edit track. Enter, Space or ↓ open it on the first item, ↑ on the last;
 * the arrows, Home and End move; Escape closes it and focus goes back to the button; Tab and a
 * click elsewhere close it. Play next and Add to queue say what they did beside the button (a
 * status, so screen readers hear it too) for a few seconds.
 */
export function TrackMenu({ track, className }: { track: Track; className?: string }) {
  const player = usePlayer();
  const session = useSession();
  const [open, setOpen] = useState<false | 'first' | 'last'>(false);
  const [adding, setAdding] = useState(false);
  const [said, setSaid] = useState<string | null>(null);
  const menuId = useId();
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);

  const items: Item[] = [
    {
      label: 'Play next',
      run: () => {
        player.playNext(track);
        setSaid(`“${track.title}” plays next.`);
      },
    },
    {
      label: 'Add to queue',
      run: () => {
        player.enqueue(track);
        setSaid(`Added “${track.title}” to the queue.`);
      },
    },
    { label: 'Add to playlist…', run: () => setAdding(true) },
  ];
  if (session.user && session.user.id === track.user.id) {
    items.push({ label: 'Edit track', run: () => navigate(`${track.permalink}?edit=1`) });
  }

  const itemsNow = () =>
    Array.from(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);

  useEffect(() => {
    if (!said) return;
    const timer = setTimeout(() => setSaid(null), SAID_MS);
    return () => clearTimeout(timer);
  }, [said]);

  useEffect(() => {
    if (!open) return;
    const all = itemsNow();
    (open === 'last' ? all[all.length - 1] : all[0])?.focus();
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  const onButtonKey = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setOpen(event.key === 'ArrowUp' ? 'last' : 'first');
    }
  };

  const onMenuKey = (event: KeyboardEvent<HTMLUListElement>) => {
    const all = itemsNow();
    const at = all.indexOf(document.activeElement as HTMLElement);
    const focus = (i: number) => all[(i + all.length) % all.length]?.focus();
    switch (event.key) {
      case 'ArrowDown':
        focus(at + 1);
        break;
      case 'ArrowUp':
        focus(at - 1);
        break;
      case 'Home':
        focus(0);
        break;
      case 'End':
        focus(all.length - 1);
        break;
      case 'Escape':
        close(true);
        break;
      case 'Tab':
        setOpen(false);
        return; // Tab moves on as usual
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  };

  return (
    <span className={className ? `track-menu ${className}` : 'track-menu'}>
      <button
        ref={button}
        type="button"
        className="track-menu-button"
        aria-label={`More for ${track.title}`}
        aria-haspopup="menu"
        aria-expanded={open !== false}
        aria-controls={open ? menuId : undefined}
        onClick={() => setOpen((was) => (was ? false : 'first'))}
        onKeyDown={onButtonKey}
      >
        <span aria-hidden="true">⋯</span>
      </button>
      {open && (
        <ul
          ref={menu}
          id={menuId}
          role="menu"
          className="track-menu-list"
          aria-label={`More for ${track.title}`}
          onKeyDown={onMenuKey}
        >
          {items.map((item) => (
            <li key={item.label} role="none">
              <button
                type="button"
                role="menuitem"
                tabIndex={-1}
                onClick={() => {
                  close(true);
                  item.run();
                }}
              >
                {item.label}
              </button>
            </li>
          ))}
        </ul>
      )}
      {said && (
        <span className="track-menu-said" role="status">
          {said}
        </span>
      )}
      {adding && <AddToPlaylistDialog track={track} onClose={() => setAdding(false)} />}
    </span>
  );
}
