// Placeholder until the page lands; replaced in this change.
export default function NotFoundPage() {
  return <h1>NotFoundPage</h1>;
}
