import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { Waveform, resamplePeaks } from './Waveform.js';

const PEAKS = Array.from({ length: 1000 }, (_, i) => (i % 100) / 100);

function slider() {
  return screen.getByTestId('waveform');
}

/** The waveform laid out 400 px wide from x = 100 (happy-dom does no layout). */
function placeAt(element: HTMLElement) {
  element.getBoundingClientRect = () =>
    ({
      left: 100,
      top: 0,
      width: 400,
      height: 64,
      right: 500,
      bottom: 64,
      x: 100,
      y: 0,
    }) as DOMRect;
}

describe('resamplePeaks', () => {
  it('takes the loudest peak of each slice', () => {
    expect(resamplePeaks([0.1, 0.9, 0.2, 0.3, 0.5, 0.4], 3)).toEqual([0.9, 0.3, 0.5]);
    expect(resamplePeaks(PEAKS, 10)).toHaveLength(10);
    expect(resamplePeaks(PEAKS, 10).every((p) => p === 0.99)).toBe(true);
  });

  it('stretches few peaks and draws silence as a sliver', () => {
    expect(resamplePeaks([0.5, 1], 4)).toEqual([0.5, 0.5, 1, 1]);
    expect(resamplePeaks([], 3)).toEqual([0.04, 0.04, 0.04]);
    expect(resamplePeaks([0, 7, Number.NaN], 3)).toEqual([0.04, 1, 0.04]);
  });
});

describe('Waveform', () => {
  it('draws the peaks as bars and is a labelled slider', () => {
    render(<Waveform peaks={PEAKS} progress={0.25} onSeek={() => {}} label="Seek Song" />);
    const wave = slider();
    expect(wave.getAttribute('role')).toBe('slider');
    expect(wave.getAttribute('aria-label')).toBe('Seek Song');
    const base = wave.querySelector('.waveform-base')!;
    expect(base.querySelectorAll('rect')).toHaveLength(120);
    expect(wave.getAttribute('aria-valuenow')).toBe('25');
    expect(wave.getAttribute('aria-valuemax')).toBe('100');
    expect(wave.getAttribute('aria-valuetext')).toBe('25%');
    const played = wave.querySelector<HTMLElement>('.waveform-played')!;
    expect(played.style.clipPath).toBe('inset(0 75% 0 0)');
  });

  it('reads as times when it knows the duration', () => {
    render(<Waveform peaks={PEAKS} progress={0.5} onSeek={() => {}} label="Seek" duration={190} />);
    const wave = slider();
    expect(wave.getAttribute('aria-valuenow')).toBe('95');
    expect(wave.getAttribute('aria-valuemax')).toBe('190');
    expect(wave.getAttribute('aria-valuetext')).toBe('1:35 of 3:10');
  });

  it('seeks to the fraction under a click', () => {
    const onSeek = vi.fn();
    render(<Waveform peaks={PEAKS} progress={0} onSeek={onSeek} label="Seek" />);
    const wave = slider();
    placeAt(wave);
    fireEvent.pointerDown(wave, { clientX: 200, button: 0, pointerId: 1 });
    expect(onSeek).not.toHaveBeenCalled(); // not until the drag lets go
    fireEvent.pointerUp(wave, { clientX: 200, button: 0, pointerId: 1 });
    expect(onSeek).toHaveBeenCalledTimes(1);
    expect(onSeek).toHaveBeenCalledWith(0.25);
  });

  it('shows a drag as it goes and seeks where it ends, clamped to the ends', () => {
    const onSeek = vi.fn();
    render(<Waveform peaks={PEAKS} progress={0.1} onSeek={onSeek} label="Seek" />);
    const wave = slider();
    placeAt(wave);
    fireEvent.pointerDown(wave, { clientX: 150, button: 0, pointerId: 1 });
    fireEvent.pointerMove(wave, { clientX: 400, pointerId: 1 });
    expect(wave.getAttribute('aria-valuenow')).toBe('75');
    fireEvent.pointerMove(wave, { clientX: 900, pointerId: 1 });
    fireEvent.pointerUp(wave, { clientX: 900, pointerId: 1 });
    expect(onSeek).toHaveBeenCalledWith(1);
    expect(wave.getAttribute('aria-valuenow')).toBe('10'); // back to the player's progress
  });

  it('ignores other buttons and a cancelled drag', () => {
    const onSeek = vi.fn();
    render(<Waveform peaks={PEAKS} progress={0} onSeek={onSeek} label="Seek" />);
    const wave = slider();
    placeAt(wave);
    fireEvent.pointerDown(wave, { clientX: 200, button: 2, pointerId: 1 });
    fireEvent.pointerUp(wave, { clientX: 200, button: 2, pointerId: 1 });
    fireEvent.pointerDown(wave, { clientX: 200, button: 0, pointerId: 1 });
    fireEvent.pointerCancel(wave, { pointerId: 1 });
    fireEvent.pointerUp(wave, { clientX: 200, pointerId: 1 });
    expect(onSeek).not.toHaveBeenCalled();
  });

  it('steps 5 s with the arrows when it knows the duration', () => {
    const onSeek = vi.fn();
    render(<Waveform peaks={PEAKS} progress={0.5} onSeek={onSeek} label="Seek" duration={100} />);
    const wave = slider();
    fireEvent.keyDown(wave, { key: 'ArrowRight' });
    fireEvent.keyDown(wave, { key: 'ArrowLeft' });
    fireEvent.keyDown(wave, { key: 'ArrowUp' });
    fireEvent.keyDown(wave, { key: 'ArrowDown' });
    expect(onSeek.mock.calls.map(([f]) => Math.round((f as number) * 1000) / 1000)).toEqual([
      0.55, 0.45, 0.55, 0.45,
    ]);
  });

  it('steps 1% without a duration; Home, End and Page keys; other keys pass', () => {
    const onSeek = vi.fn();
    render(<Waveform peaks={PEAKS} progress={0.995} onSeek={onSeek} label="Seek" />);
    const wave = slider();
    fireEvent.keyDown(wave, { key: 'ArrowRight' });
    fireEvent.keyDown(wave, { key: 'ArrowLeft' });
    fireEvent.keyDown(wave, { key: 'Home' });
    fireEvent.keyDown(wave, { key: 'End' });
    fireEvent.keyDown(wave, { key: 'PageDown' });
    expect(onSeek.mock.calls.map(([f]) => Math.round((f as number) * 1000) / 1000)).toEqual([
      1, 0.985, 0, 1, 0.895,
    ]);
    const tab = fireEvent.keyDown(wave, { key: 'Tab' });
    expect(tab).toBe(true); // not prevented
    expect(onSeek).toHaveBeenCalledTimes(5);
  });

  it('marks the keys it handles as handled, so page shortcuts leave them', () => {
    render(<Waveform peaks={PEAKS} progress={0.5} onSeek={() => {}} label="Seek" />);
    expect(fireEvent.keyDown(slider(), { key: 'ArrowLeft' })).toBe(false);
  });
});
