// Placeholder until the player lands; replaced in this change.
export function PlayerBar() {
  return null;
}
