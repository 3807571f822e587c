import { type SyntheticEvent, useState } from 'react';

type Image = Record<string, string | string[] | undefined> & { mirrors?: string[] };

/**
 * An image from the content nodes: the URL for `size`, moving to each mirror in turn when a node
 * fails to answer, and a drawn placeholder when there is none.
 */
export function Artwork({
  image,
  size,
  alt,
  className = 'artwork',
}: {
  image: Image | null | undefined;
  size: string;
  alt: string;
  className?: string;
}) {
  const primary = typeof image?.[size] === 'string' ? image[size] : undefined;
  const [attempt, setAttempt] = useState(0);
  const sources = primary ? [primary, ...mirrorUrls(primary, image?.mirrors ?? [])] : [];
  const src = sources[attempt];
  if (!src) {
    // A decorative picture (empty alt) is hidden from assistive technology, as an <img alt=""> is.
    return alt ? (
      <div className={`${className} artwork-empty`} role="img" aria-label={alt} />
    ) : (
      <div className={`${className} artwork-empty`} aria-hidden="true" />
    );
  }
  const onError = (_event: SyntheticEvent<HTMLImageElement>) => setAttempt((a) => a + 1);
  return <img className={className} src={src} alt={alt} loading="lazy" onError={onError} />;
}

/** The same path on each mirror node. */
export function mirrorUrls(url: string, mirrors: readonly string[]): string[] {
  const { pathname, search } = new URL(url);
  return mirrors.map((m) => `${m.replace(/\/$/, '')}${pathname}${search}`);
}
