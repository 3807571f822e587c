// Placeholder until the page lands; replaced in this change.
export default function TrendingPage() {
  return <h1>TrendingPage</h1>;
}
