import { afterEach, describe, expect, it } from 'vitest';
import { shortcutFor } from './shortcuts.js';

function press(key: string, target: EventTarget | null, extra: Partial<KeyboardEvent> = {}) {
  return shortcutFor({
    key,
    target,
    shiftKey: false,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    defaultPrevented: false,
    ...extra,
  });
}

function element(html: string, selector?: string): Element {
  document.body.innerHTML = html;
  return selector ? document.querySelector(selector)! : document.body.firstElementChild!;
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('shortcutFor', () => {
  it('maps the keys on the page', () => {
    const body = document.body;
    expect(press(' ', body)).toBe('toggle');
    expect(press('ArrowLeft', body)).toBe('seekBackward');
    expect(press('ArrowRight', body)).toBe('seekForward');
    expect(press('ArrowLeft', body, { shiftKey: true })).toBe('previous');
    expect(press('ArrowRight', body, { shiftKey: true })).toBe('next');
    expect(press('ArrowUp', body)).toBe('volumeUp');
    expect(press('ArrowDown', body)).toBe('volumeDown');
    expect(press('a', body)).toBeNull();
    expect(press('Enter', body)).toBeNull();
  });

  it('leaves text entry alone', () => {
    for (const html of [
      '<input type="text">',
      '<input type="range">',
      '<textarea></textarea>',
      '<select><option>a</option></select>',
    ]) {
      const target = element(html);
      expect(press(' ', target), html).toBeNull();
      expect(press('ArrowLeft', target), html).toBeNull();
    }
    const editable = element('<div contenteditable="true"><p>text</p></div>', 'p');
    expect(press(' ', editable)).toBeNull();
  });

  it('leaves space to buttons, but takes the arrows on them', () => {
    const button = element('<button>Follow</button>');
    expect(press(' ', button)).toBeNull();
    expect(press('ArrowRight', button)).toBe('seekForward');
    const link = element('<a href="/x">x</a>');
    expect(press(' ', link)).toBe('toggle');
  });

  it('leaves the arrows to sliders and lists', () => {
    const slider = element('<div role="slider" tabindex="0"><span>in</span></div>', 'span');
    expect(press('ArrowLeft', slider)).toBeNull();
    expect(press('ArrowUp', slider)).toBeNull();
    expect(press(' ', slider)).toBe('toggle');
    const tabs = element('<div role="tablist"><button role="tab">A</button></div>', 'button');
    expect(press('ArrowRight', tabs)).toBeNull();
  });

  it('does nothing with modifiers or an event already handled', () => {
    const body = document.body;
    expect(press(' ', body, { ctrlKey: true })).toBeNull();
    expect(press('ArrowLeft', body, { metaKey: true })).toBeNull();
    expect(press('ArrowLeft', body, { altKey: true })).toBeNull();
    expect(press(' ', body, { defaultPrevented: true })).toBeNull();
  });
});
