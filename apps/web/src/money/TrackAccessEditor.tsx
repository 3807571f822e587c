import type { Track } from '@coliving/sdk';
import { useSdk } from '../sdk.js';
import { AccessEditor } from './AccessEditor.js';
import { accessMetadata } from './access.js';

/**
 * The landlord's edit form for a track's access: who may play it (public, followers, tippers,
 * a price with splits), unlisted, downloadable. Saved on chain; `onSaved` gets the track after.
 */
export function TrackAccessEditor({
  track,
  ownerHandle,
  onSaved,
}: {
  track: Track;
  ownerHandle: string;
  onSaved: (track: Track) => void;
}) {
  const sdk = useSdk();
  return (
    <AccessEditor
      content={track}
      kind="track"
      title={track.title}
      ownerHandle={ownerHandle}
      save={async (values, signal) => {
        const changes = await accessMetadata(sdk, values, track.user, signal);
        onSaved(await sdk.tracks.update(track.user.id, track.id, changes, { signal }));
      }}
    />
  );
}
