// The player's keyboard shortcuts, for the whole page except where focus is somewhere that uses
// the key itself: text entry, a button (space), a slider or a list (arrows).

export type Shortcut =
  'toggle' | 'seekBackward' | 'seekForward' | 'previous' | 'next' | 'volumeUp' | 'volumeDown';

/** How far the arrow keys seek and turn the volume. */
export const SEEK_STEP_SECONDS = 5;
export const VOLUME_STEP = 0.1;

type KeyLike = Pick<
  KeyboardEvent,
  'key' | 'shiftKey' | 'ctrlKey' | 'metaKey' | 'altKey' | 'defaultPrevented' | 'target'
>;

const TEXT_ENTRY = 'input, textarea, select, [contenteditable]:not([contenteditable="false"])';
const SPACE_USERS =
  'button, summary, [role="button"], [role="checkbox"], [role="switch"], [role="menuitem"], [role="option"], [role="tab"], [role="radio"]';
const ARROW_USERS =
  '[role="slider"], [role="listbox"], [role="menu"], [role="menubar"], [role="radiogroup"], [role="tablist"], [role="tree"], [role="grid"], [role="spinbutton"], [role="scrollbar"], audio, video';

function closest(target: EventTarget | null, selector: string): boolean {
  const element =
    typeof Element !== 'undefined' && target instanceof Element
      ? target
      : ((target as { parentElement?: Element | null } | null)?.parentElement ?? null);
  if (!element) return false;
  return (element as HTMLElement).isContentEditable === true || element.closest(selector) !== null;
}

/** The shortcut a key press means here, or null when it belongs to the page. */
export function shortcutFor(event: KeyLike): Shortcut | null {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return null;
  const { key, target } = event;
  if (closest(target, TEXT_ENTRY)) return null;
  if (key === ' ' || key === 'Spacebar') {
    return event.shiftKey || closest(target, SPACE_USERS) ? null : 'toggle';
  }
  if (!key.startsWith('Arrow') || closest(target, ARROW_USERS)) return null;
  switch (key) {
    case 'ArrowLeft':
      return event.shiftKey ? 'previous' : 'seekBackward';
    case 'ArrowRight':
      return event.shiftKey ? 'next' : 'seekForward';
    case 'ArrowUp':
      return event.shiftKey ? null : 'volumeUp';
    case 'ArrowDown':
      return event.shiftKey ? null : 'volumeDown';
    default:
      return null;
  }
}

/** True when the key press toggles the queue panel: Q, outside text entry. */
export function isQueueShortcut(event: KeyLike): boolean {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return false;
  if (event.key !== 'q' && event.key !== 'Q') return false;
  return !closest(event.target, TEXT_ENTRY);
}
