// Placeholder until the player lands; replaced in this change.
import type { ReactNode } from 'react';
export function PlayerProvider({ children }: { children: ReactNode }) {
  return <>{children}</>;
}
