// The consent page inside another site's frame (clickjacking, RFC 6749 §10.13): it refuses in
// words and offers no Allow, so no site can dress Allow up as its own button. No network needed:
// the page refuses before it looks the app up (the SDK points at a port nothing listens on).
import { createColivingSdk } from '@coliving/sdk';
import { render, screen } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import { SdkContext } from '../sdk.js';
import { SessionProvider } from '../session.js';
import ConsentPage from './ConsentPage.js';

const realTop = Object.getOwnPropertyDescriptor(window, 'top');
afterEach(() => {
  if (realTop) Object.defineProperty(window, 'top', realTop);
});

function renderConsent() {
  const search = new URLSearchParams({
    response_type: 'code',
    client_id: '0x1111111111111111111111111111111111111111',
    redirect_uri: 'http://127.0.0.1:5555/callback',
    scope: 'write',
    state: 'state-123',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  });
  window.history.replaceState(null, '', `/oauth/auth?${search.toString()}`);
  render(
    <SdkContext.Provider value={createColivingSdk({ discoveryNodes: ['http://127.0.0.1:9'] })}>
      <SessionProvider>
        <ConsentPage />
      </SessionProvider>
    </SdkContext.Provider>,
  );
}

it('refuses to be used inside another page’s frame', async () => {
  // The page a frame is in: another window than this one.
  Object.defineProperty(window, 'top', { value: {}, configurable: true });
  renderConsent();
  expect((await screen.findByRole('alert')).textContent).toContain('shown inside another site');
  expect(screen.queryByRole('button', { name: 'Allow' })).toBeNull();
});

it('goes on to look the app up in a window of its own', async () => {
  renderConsent();
  // Nothing listens on the SDK's node: the lookup fails, and the page says so (not "framed").
  const alert = (await screen.findByRole('alert', {}, { timeout: 20_000 })).textContent;
  expect(alert).toContain('The app could not be looked up');
});
