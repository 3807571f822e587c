// The upload page against the real SDK and stand-in nodes that speak the wire formats (the SDK's
// own test doubles): the page's progress, result and errors come from a real upload.
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SdkContext } from '../../sdk.js';
import { SESSION_KEY, SessionProvider } from '../../session.js';
import UploadPage from '../UploadPage.js';
import { fakeFile } from './fixtures.js';
import { type TestNetwork, sdkOn, startTestNetwork } from './testNetwork.js';

let network: TestNetwork;
let failing: TestNetwork;
let restarting: TestNetwork;

beforeAll(async () => {
  network = await startTestNetwork();
  failing = await startTestNetwork({ failTranscode: true });
  restarting = await startTestNetwork({ restartOnFirstPoll: 600 });
});
afterAll(async () => {
  await Promise.all([network.close(), failing.close(), restarting.close()]);
});
afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
});

/** A signed-in landlord with a profile, as the session restores it from localStorage. */
async function renderSignedIn(
  discoveryNodes: string[],
  handle: string,
  options: { holdUploads?: boolean } = {},
) {
  const privateKey = generatePrivateKey();
  const setup = sdkOn(discoveryNodes);
  setup.setAccount(privateKeyToAccount(privateKey));
  const { userId } = await setup.users.create({ handle, name: 'Night Owl' });
  localStorage.setItem(SESSION_KEY, JSON.stringify({ privateKey }));
  // The streamed-fetch upload path (happy-dom's XMLHttpRequest enforces CORS on these servers).
  vi.stubGlobal('XMLHttpRequest', undefined);
  render(
    <SdkContext.Provider value={sdkOn(discoveryNodes, userId, options)}>
      <SessionProvider>
        <UploadPage />
      </SessionProvider>
    </SdkContext.Provider>,
  );
  await screen.findByRole('heading', { name: 'Upload a track' }, { timeout: 5000 });
}

function chooseAudio() {
  const song = new File([new Uint8Array(64 * 1024).fill(7)], 'Midnight Chords.wav', {
    type: 'audio/wav',
  });
  fireEvent.drop(screen.getByTestId('dropzone'), { dataTransfer: { files: [song] } });
}

describe('UploadPage', () => {
  it('uploads, transcodes and publishes, then links to the track', async () => {
    await renderSignedIn(network.endpoints, 'nightowl');
    chooseAudio();
    // The title comes from the file name.
    expect(screen.getByLabelText<HTMLInputElement>('Title').value).toBe('Midnight Chords');
    fireEvent.change(screen.getByLabelText('Genre'), { target: { value: 'Electronic' } });
    fireEvent.change(screen.getByLabelText('Mood (optional)'), { target: { value: 'Peaceful' } });
    const seen = new Set<string>();
    const stage = () => screen.queryByTestId('upload-stage')?.textContent ?? '';
    const observer = new MutationObserver(() => seen.add(stage().replace(/\d+%/, 'n%')));
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Upload' }));
    });
    await waitFor(() => expect(stage()).toBe('Published'), { timeout: 10_000 });
    observer.disconnect();
    expect(seen).toContain('Uploading n%');
    expect(seen).toContain('Transcoding');
    expect(seen).toContain('Publishing');
    const link = screen.getByRole('link', { name: 'Go to the track' });
    expect(link.getAttribute('href')).toMatch(/^\/nightowl\/midnight-chords/);
    fireEvent.click(screen.getByRole('button', { name: 'Upload another' }));
    expect(screen.queryByTestId('upload-stage')).toBeNull();
    expect(screen.getByText('Drag and drop an audio file here')).toBeTruthy();
  });

  it('asks for a genre before sending anything', async () => {
    await renderSignedIn(network.endpoints, 'nogenre');
    chooseAudio();
    fireEvent.click(screen.getByRole('button', { name: 'Upload' }));
    expect(screen.getByLabelText('Genre').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Choose a genre.')).toBeTruthy();
    expect(screen.queryByTestId('upload-stage')).toBeNull();
  });

  it('says so when the transcode fails, and publishes nothing', async () => {
    await renderSignedIn(failing.endpoints, 'brokenfile');
    chooseAudio();
    fireEvent.change(screen.getByLabelText('Genre'), { target: { value: 'Ambient' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Upload' }));
    });
    await waitFor(
      () => expect(screen.getByTestId('upload-stage').textContent).toBe('Upload failed'),
      { timeout: 10_000 },
    );
    expect(screen.getByRole('alert').textContent).toContain(
      "We couldn't process this file. Try exporting it again from your editor. Nothing was published.",
    );
    // The form is back, with the file and fields kept, to try again.
    expect(screen.getByText('Midnight Chords.wav')).toBeTruthy();
  });

  it('says the content node restarted and carries on to publish', async () => {
    await renderSignedIn(restarting.endpoints, 'restarted');
    chooseAudio();
    fireEvent.change(screen.getByLabelText('Genre'), { target: { value: 'Ambient' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Upload' }));
    });
    const notice = await screen.findByText(
      'The content node restarted or cannot be reached. Still working: keep this page open.',
      {},
      { timeout: 10_000 },
    );
    expect(screen.getByTestId('upload-stage').textContent).toBe('Transcoding');
    expect(notice).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('upload-stage').textContent).toBe('Published'), {
      timeout: 10_000,
    });
    expect(screen.queryByRole('alert')).toBeNull();
  }, 20_000);

  it('cancels an upload under way', async () => {
    await renderSignedIn(network.endpoints, 'cancelling', { holdUploads: true });
    chooseAudio();
    fireEvent.change(screen.getByLabelText('Genre'), { target: { value: 'Ambient' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Upload' }));
    });
    expect((await screen.findByTestId('upload-stage')).textContent).toMatch(/^Uploading \d+%$/);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(
      () => expect(screen.getByTestId('upload-stage').textContent).toBe('Upload cancelled'),
      { timeout: 10_000 },
    );
    // Nothing is lost: the same file and fields can go again.
    expect(screen.getByText('Midnight Chords.wav')).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Upload' }).disabled).toBe(false);
  });

  it('refuses a text file at the drop zone', async () => {
    await renderSignedIn(network.endpoints, 'textfile');
    fireEvent.drop(screen.getByTestId('dropzone'), {
      dataTransfer: { files: [fakeFile('notes.txt', 'text/plain')] },
    });
    expect(screen.getByRole('alert').textContent).toMatch(/not an audio file/);
  });
});
