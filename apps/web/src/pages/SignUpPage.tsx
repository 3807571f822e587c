// Placeholder until the page lands; replaced in this change.
export default function SignUpPage() {
  return <h1>SignUpPage</h1>;
}
