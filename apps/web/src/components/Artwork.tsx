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
  // Failed attempts count for one image only: another track's picture starts at its first URL.
  const [failed, setFailed] = useState<{ of: string | undefined; attempt: number }>({
    of: primary,
    attempt: 0,
  });
  const attempt = failed.of === primary ? failed.attempt : 0;
  const mirrors = Array.isArray(image?.mirrors) ? image.mirrors : [];
  const sources = primary ? [primary, ...mirrorUrls(primary, mirrors)] : [];
  const src = sources[attempt];
  if (!src) {
    // A decorative picture (empty alt) is hidden from assistive technology, as an <img alt=""> is.
    return alt ? (
      <div className={`${className} artwork-empty`} role="img" aria-label={alt} />
    ) : (
      <div className={`${className} artwork-empty`} aria-hidden="true" />
    );
  }
  const onError = (_event: SyntheticEvent<HTMLImageElement>) =>
    setFailed({ of: primary, attempt: attempt + 1 });
  return <img className={className} src={src} alt={alt} loading="lazy" onError={onError} />;
}

/** The same path on each mirror node (none when the URL is not absolute: nodes are third parties). */
export function mirrorUrls(url: string, mirrors: readonly unknown[]): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  return mirrors
    .filter((m): m is string => typeof m === 'string')
    .map((m) => `${m.replace(/\/$/, '')}${parsed.pathname}${parsed.search}`);
}
