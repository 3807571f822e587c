import type { Track } from '@coliving/sdk';
import { useState } from 'react';
import { GateLock, buyableTrack } from '../../money/Lock.js';
import { gateOf } from '../../money/gates.js';
import { useWallet } from '../../money/wallet.js';
import { useSdk } from '../../sdk.js';
import { useSession } from '../../session.js';

/** "Buy to download", "Follow to download", "Tip to download": what opens a track's download. */
export function downloadLockLabel(track: Track): string | null {
  const gate = gateOf(track.download_conditions) ?? gateOf(track.stream_conditions);
  if (!gate) return null;
  return gate.kind === 'purchase'
    ? 'Buy to download'
    : gate.kind === 'follow'
      ? 'Follow to download'
      : 'Tip to download';
}

/**
 * Download, on a downloadable track's page: the file (its original when kept) for a listener the
 * node lets download it; otherwise what unlocks it, with the price and Buy for a purchase.
 */
export function DownloadButton({ track }: { track: Track }) {
  const sdk = useSdk();
  const session = useSession();
  const { unlocks } = useWallet();
  const [state, setState] = useState<{ busy: boolean; error?: string }>({ busy: false });
  if (!track.is_downloadable) return null;
  const userId = session.user?.id;
  const downloadGate = gateOf(track.download_conditions);
  const open =
    track.access?.download === true ||
    track.user.id === userId ||
    (downloadGate?.kind === 'purchase' && unlocks.bought.has(track.id));
  if (!open) {
    const label = downloadLockLabel(track) ?? 'Not downloadable for you';
    return (
      <span className="download-lock">
        <span className="muted">
          <span aria-hidden="true">🔒 </span>
          {label}
        </span>
        {downloadGate?.kind === 'purchase' && (
          // The Buy of the download's conditions: buying the track opens its download.
          <GateLock
            compact
            content={{
              ...buyableTrack(track),
              stream_conditions: track.download_conditions,
              access: { stream: false, download: false },
            }}
          />
        )}
      </span>
    );
  }
  const onClick = () => {
    setState({ busy: true });
    sdk.tracks.downloadUrl(track.id, userId ? { userId } : {}).then(
      (url) => {
        setState({ busy: false });
        // The content node answers with Content-Disposition: attachment, so the page stays.
        window.location.assign(url);
      },
      (error: unknown) =>
        setState({
          busy: false,
          error: error instanceof Error ? error.message : 'The download could not start',
        }),
    );
  };
  return (
    <span className="download">
      <button type="button" onClick={onClick} disabled={state.busy}>
        <span aria-hidden="true">⤓</span> {state.busy ? 'Preparing…' : 'Download'}
      </button>
      {state.error && (
        <span role="alert" className="error">
          {state.error}
        </span>
      )}
    </span>
  );
}
