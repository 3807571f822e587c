import { createColivingSdk } from '@coliving/sdk';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { loadConfig } from './config.js';
import { WalletProvider } from './money/wallet.js';
import { PlayerProvider } from './player/PlayerProvider.js';
import { SdkContext } from './sdk.js';
import { SessionProvider } from './session.js';
import './styles.css';

async function start(root: HTMLElement) {
  const reactRoot = createRoot(root);
  try {
    const config = await loadConfig();
    const sdk = createColivingSdk({ discoveryNodes: config.discoveryNodes });
    reactRoot.render(
      <StrictMode>
        <SdkContext.Provider value={sdk}>
          <SessionProvider>
            <WalletProvider>
              <PlayerProvider>
                <App />
              </PlayerProvider>
            </WalletProvider>
          </SessionProvider>
        </SdkContext.Provider>
      </StrictMode>,
    );
  } catch (error) {
    reactRoot.render(
      <div className="state state-error" role="alert">
        <h1>Coliving could not start</h1>
        <p>{error instanceof Error ? error.message : String(error)}</p>
      </div>,
    );
  }
}

const root = document.getElementById('root');
if (root) void start(root);
