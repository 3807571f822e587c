// Placeholder until the page lands; replaced in this change.
export default function LibraryPage() {
  return <h1>LibraryPage</h1>;
}
