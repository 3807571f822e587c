// The player's control icons: 24×24 paths drawn in currentColor, hidden from assistive technology
// (each button says what it does in words).
import type { ReactNode } from 'react';

function Icon({ children }: { children: ReactNode }) {
  return (
    <svg
      className="player-icon"
      viewBox="0 0 24 24"
      width="20"
      height="20"
      fill="currentColor"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

export const PlayIcon = () => (
  <Icon>
    <path d="M8 5.5v13a1 1 0 0 0 1.5.86l10.5-6.5a1 1 0 0 0 0-1.72L9.5 4.64A1 1 0 0 0 8 5.5z" />
  </Icon>
);
export const PauseIcon = () => (
  <Icon>
    <path d="M7 5h3.5v14H7zM13.5 5H17v14h-3.5z" />
  </Icon>
);
export const PreviousIcon = () => (
  <Icon>
    <path d="M6 5h2v14H6zM19 5.8v12.4a.8.8 0 0 1-1.25.66L9.5 13.2a1.45 1.45 0 0 1 0-2.4l8.25-5.66A.8.8 0 0 1 19 5.8z" />
  </Icon>
);
export const NextIcon = () => (
  <Icon>
    <path d="M16 5h2v14h-2zM5 5.8v12.4a.8.8 0 0 0 1.25.66l8.25-5.66a1.45 1.45 0 0 0 0-2.4L6.25 5.14A.8.8 0 0 0 5 5.8z" />
  </Icon>
);
export const ShuffleIcon = () => (
  <Icon>
    <path d="M16 4l4 3.5-4 3.5V8.5h-1.6c-1 0-1.9.5-2.5 1.3l-4.2 6A4.6 4.6 0 0 1 4 17.8H3v-2.1h1c.8 0 1.5-.4 2-1l4.2-6a5 5 0 0 1 4.2-2.3H16zm0 9l4 3.5-4 3.5v-2.5h-1.6a5 5 0 0 1-4-2l-.5-.7 1.3-1.8.9 1.3c.5.7 1.4 1.1 2.3 1.1H16zM3 6.2h1a4.6 4.6 0 0 1 3.7 1.9l.5.7-1.3 1.8-.9-1.3c-.5-.6-1.2-1-2-1H3z" />
  </Icon>
);
export const RepeatIcon = () => (
  <Icon>
    <path d="M7 7h10V4.5l3.5 3.5L17 11.5V9H7a2 2 0 0 0-2 2v1.5H3V11a4 4 0 0 1 4-4zm10 10H7v2.5L3.5 16 7 12.5V15h10a2 2 0 0 0 2-2v-1.5h2V13a4 4 0 0 1-4 4z" />
  </Icon>
);
export const VolumeIcon = ({ muted }: { muted: boolean }) => (
  <Icon>
    <path d="M4 9h3.5L12 5v14l-4.5-4H4z" />
    {muted ? (
      <path d="M15.3 9.3l1.4-1.4 2.3 2.3 2.3-2.3 1.4 1.4-2.3 2.3 2.3 2.3-1.4 1.4-2.3-2.3-2.3 2.3-1.4-1.4 2.3-2.3z" />
    ) : (
      <path d="M15 8.5a4.5 4.5 0 0 1 0 7l-1.3-1.5a2.5 2.5 0 0 0 0-4zM17.3 5.5a8.5 8.5 0 0 1 0 13L16 17a6.5 6.5 0 0 0 0-10z" />
    )}
  </Icon>
);
export const QueueIcon = () => (
  <Icon>
    <path d="M3 6h13v2H3zm0 5h13v2H3zm0 5h9v2H3zm12 0v-3l5 4-5 4z" />
  </Icon>
);
export const CloseIcon = () => (
  <Icon>
    <path d="M6.4 5L12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6 10.6 12 5 6.4z" />
  </Icon>
);
