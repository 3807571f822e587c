// Placeholder until the page lands; replaced in this change.
export default function UploadPage() {
  return <h1>UploadPage</h1>;
}
