// Placeholder until the page lands; replaced in this change.
export default function LogInPage() {
  return <h1>LogInPage</h1>;
}
