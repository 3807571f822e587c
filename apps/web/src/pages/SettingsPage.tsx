// Placeholder until the page lands; replaced in this change.
export default function SettingsPage() {
  return <h1>SettingsPage</h1>;
}
