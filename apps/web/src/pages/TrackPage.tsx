// Placeholder until the page lands; replaced in this change.
export default function TrackPage() {
  return <h1>TrackPage</h1>;
}
