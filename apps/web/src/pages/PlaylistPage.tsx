// Placeholder until the page lands; replaced in this change.
export default function PlaylistPage() {
  return <h1>PlaylistPage</h1>;
}
