import type { Playlist } from '@coliving/sdk';
import { useSdk } from '../sdk.js';
import { AccessEditor } from './AccessEditor.js';
import { accessMetadata } from './access.js';

/**
 * The landlord's edit form for an album's price: not for sale, or a price in DGCO split among
 * collaborators by @handle (the landlord gets the rest). Buying the album opens each of its
 * tracks. Saved on chain as the album's `stream_conditions`; `onSaved` gets the album after.
 */
export function AlbumAccessEditor({
  album,
  ownerHandle,
  onSaved,
}: {
  album: Playlist;
  ownerHandle: string;
  onSaved: (album: Playlist) => void;
}) {
  const sdk = useSdk();
  return (
    <AccessEditor
      content={album}
      kind="album"
      title={album.playlist_name}
      ownerHandle={ownerHandle}
      save={async (values, signal) => {
        const { streamConditions } = await accessMetadata(sdk, values, album.user, signal);
        onSaved(
          await sdk.playlists.update(album.user.id, album.id, { streamConditions }, { signal }),
        );
      }}
    />
  );
}
