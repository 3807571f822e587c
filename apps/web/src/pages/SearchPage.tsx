// Placeholder until the page lands; replaced in this change.
export default function SearchPage() {
  return <h1>SearchPage</h1>;
}
