// Placeholder until the page lands; replaced in this change.
export default function ProfilePage() {
  return <h1>ProfilePage</h1>;
}
