import { type RefObject, useEffect, useRef } from 'react';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The elements inside `node` that Tab reaches, in order. */
export function focusablesIn(node: HTMLElement): HTMLElement[] {
  return Array.from(node.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
    (el) => !el.closest('[hidden], [inert]'),
  );
}

/**
 * Keeps the keyboard inside `ref` while it is mounted: focus moves in (to `[data-autofocus]` or
 * the first focusable), Tab and Shift+Tab wrap around, Escape calls `onEscape`. The listener is
 * native, on the node itself, so keys pressed in a dialog it opened (a portal elsewhere in the
 * page) are that dialog's own.
 */
export function useFocusTrap(ref: RefObject<HTMLElement | null>, onEscape: () => void): void {
  const escape = useRef(onEscape);
  escape.current = onEscape;
  useEffect(() => {
    const node = ref.current;
    if (!node) return;
    if (!node.contains(document.activeElement)) {
      (
        node.querySelector<HTMLElement>('[data-autofocus]') ??
        focusablesIn(node)[0] ??
        node
      ).focus();
    }
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      // A menu inside closes itself on Escape; the trap stays open.
      const inMenu = event.target instanceof Element && event.target.closest('[role="menu"]');
      if (event.key === 'Escape' && !inMenu) {
        event.preventDefault();
        escape.current();
        return;
      }
      if (event.key !== 'Tab') return;
      const all = focusablesIn(node);
      if (all.length === 0) {
        event.preventDefault();
        return;
      }
      const first = all[0]!;
      const last = all[all.length - 1]!;
      const active = document.activeElement;
      if (event.shiftKey && (active === first || !node.contains(active))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (active === last || !node.contains(active))) {
        event.preventDefault();
        first.focus();
      }
    };
    node.addEventListener('keydown', onKey);
    return () => node.removeEventListener('keydown', onKey);
  }, [ref]);
}
