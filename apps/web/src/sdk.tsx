import type { ColivingSdk } from '@coliving/sdk';
import { createContext, useContext } from 'react';

export const SdkContext = createContext<ColivingSdk | null>(null);

/** The one SDK instance the app talks to the network through. */
export function useSdk(): ColivingSdk {
  const sdk = useContext(SdkContext);
  if (!sdk) throw new Error('useSdk outside <SdkContext>');
  return sdk;
}
