import { type KeyboardEvent, type PointerEvent, useEffect, useMemo, useRef, useState } from 'react';
import { formatDuration } from '../components/format.js';
import './player.css';

export type WaveformProps = {
  /** Peak levels in 0..1, any number of them (typically 1000). */
  peaks: number[];
  /** How much has played, 0..1. */
  progress: number;
  /** The listener chose this point (0..1): a click, the end of a drag, a key. */
  onSeek: (fraction: number) => void;
  /** What the slider is, for assistive technology ("Seek Midnight Chords"). */
  label: string;
  /** The track's length in seconds: arrows then step 5 s and the value reads as times. */
  duration?: number;
};

/** One bar and its gap take this many CSS pixels. */
const BAR_PITCH = 4;
const DEFAULT_BARS = 120;
const MIN_BARS = 16;
const MAX_BARS = 400;
/** A silent stretch still shows a sliver, so the seek bar never disappears. */
const MIN_BAR = 0.04;
const KEY_SECONDS = 5;

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

/** `peaks` as `bars` levels: the loudest peak of each slice, so transients survive. */
export function resamplePeaks(peaks: readonly number[], bars: number): number[] {
  const n = Math.max(1, Math.floor(bars));
  if (peaks.length === 0) return Array.from({ length: n }, () => MIN_BAR);
  return Array.from({ length: n }, (_, i) => {
    const from = Math.floor((i * peaks.length) / n);
    const to = Math.max(from + 1, Math.floor(((i + 1) * peaks.length) / n));
    let max = 0;
    for (let j = from; j < to && j < peaks.length; j++) max = Math.max(max, peaks[j] ?? 0);
    return Math.max(MIN_BAR, clamp01(max));
  });
}

/**
 * A track's waveform as its seek bar: played bars in the accent colour, click or drag to seek,
 * and a keyboard slider (arrows, Page Up/Down, Home, End).
 */
export function Waveform({ peaks, progress, onSeek, label, duration }: WaveformProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [bars, setBars] = useState(DEFAULT_BARS);
  const [dragAt, setDragAt] = useState<number | null>(null);
  const dragging = useRef(false);

  useEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(([entry]) => {
      const width = entry?.contentRect.width ?? 0;
      if (width > 0) {
        setBars(Math.min(MAX_BARS, Math.max(MIN_BARS, Math.floor(width / BAR_PITCH))));
      }
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const levels = useMemo(() => resamplePeaks(peaks, bars), [peaks, bars]);
  // Drawn once per shape and shown twice (base and played), so playing re-renders only the clip.
  const drawing = useMemo(
    () => (
      <svg
        className="waveform-bars"
        viewBox={`0 0 ${levels.length} 100`}
        preserveAspectRatio="none"
        aria-hidden="true"
        focusable="false"
      >
        {levels.map((level, i) => (
          <rect key={i} x={i + 0.15} width={0.7} y={50 - level * 50} height={level * 100} />
        ))}
      </svg>
    ),
    [levels],
  );

  const shown = clamp01(dragAt ?? progress);
  const hasDuration = duration !== undefined && Number.isFinite(duration) && duration > 0;
  const step = hasDuration ? KEY_SECONDS / duration : 0.01;

  const fractionAt = (clientX: number): number => {
    const rect = ref.current?.getBoundingClientRect();
    if (!rect || rect.width <= 0) return 0;
    return clamp01((clientX - rect.left) / rect.width);
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    dragging.current = true;
    try {
      event.currentTarget.setPointerCapture?.(event.pointerId);
    } catch {
      // Synthetic pointers cannot be captured; the drag still works inside the element.
    }
    setDragAt(fractionAt(event.clientX));
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (dragging.current) setDragAt(fractionAt(event.clientX));
  };
  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    if (!dragging.current) return;
    dragging.current = false;
    setDragAt(null);
    onSeek(fractionAt(event.clientX));
  };
  const onPointerCancel = () => {
    dragging.current = false;
    setDragAt(null);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    let to: number;
    switch (event.key) {
      case 'ArrowRight':
      case 'ArrowUp':
        to = progress + step;
        break;
      case 'ArrowLeft':
      case 'ArrowDown':
        to = progress - step;
        break;
      case 'PageUp':
        to = progress + 0.1;
        break;
      case 'PageDown':
        to = progress - 0.1;
        break;
      case 'Home':
        to = 0;
        break;
      case 'End':
        to = 1;
        break;
      default:
        return;
    }
    // Handled here: the player's page-wide shortcuts leave a prevented key alone.
    event.preventDefault();
    onSeek(clamp01(to));
  };

  const valueText = hasDuration
    ? `${formatDuration(shown * duration)} of ${formatDuration(duration)}`
    : `${Math.round(shown * 100)}%`;

  return (
    <div
      ref={ref}
      className="waveform"
      data-testid="waveform"
      role="slider"
      tabIndex={0}
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={hasDuration ? Math.round(duration) : 100}
      aria-valuenow={hasDuration ? Math.round(shown * duration) : Math.round(shown * 100)}
      aria-valuetext={valueText}
      aria-orientation="horizontal"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerCancel}
      onKeyDown={onKeyDown}
    >
      <div className="waveform-layer waveform-base">{drawing}</div>
      <div
        className="waveform-layer waveform-played"
        style={{ clipPath: `inset(0 ${(1 - shown) * 100}% 0 0)` }}
      >
        {drawing}
      </div>
    </div>
  );
}
