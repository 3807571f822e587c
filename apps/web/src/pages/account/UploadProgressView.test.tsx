import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { UploadProgressView } from './UploadProgressView.js';
import { publishedTrack } from './fixtures.js';

describe('UploadProgressView', () => {
  it('shows the upload percentage in the stage line and the progress bar', () => {
    const onCancel = vi.fn();
    render(
      <UploadProgressView
        state={{ phase: 'uploading', loaded: 420, total: 1000 }}
        onCancel={onCancel}
      />,
    );
    expect(screen.getByTestId('upload-stage').textContent).toBe('Uploading 42%');
    const bar = screen.getByLabelText<HTMLProgressElement>('Upload progress');
    expect(bar.tagName).toBe('PROGRESS');
    expect(bar.getAttribute('value')).toBe('42');
    expect(bar.getAttribute('max')).toBe('100');
    // The live region says the stage once, not each percent.
    expect(screen.getByRole('status').textContent).toBe('Uploading');
    expect(screen.getByText('Upload').closest('li')?.getAttribute('aria-current')).toBe('step');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalled();
  });

  it('shows transcoding with the job status, then publishing', () => {
    const { rerender } = render(
      <UploadProgressView state={{ phase: 'transcoding', status: 'busy' }} />,
    );
    expect(screen.getByTestId('upload-stage').textContent).toBe('Transcoding');
    expect(screen.getByText('Making the stream and the 30-second preview')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('Transcoding');
    expect(screen.getByText('Upload').closest('li')?.className).toContain('upload-step-done');

    rerender(<UploadProgressView state={{ phase: 'publishing', status: 'indexing' }} />);
    expect(screen.getByTestId('upload-stage').textContent).toBe('Publishing');
    expect(screen.getByText('Waiting for it to appear in the catalog')).toBeTruthy();
    expect(screen.queryByLabelText('Upload progress')).toBeNull();
  });

  it('links to the published track and offers another upload', () => {
    const onAgain = vi.fn();
    render(
      <UploadProgressView
        state={{ phase: 'published', track: publishedTrack() }}
        onAgain={onAgain}
        onCancel={() => {}}
      />,
    );
    expect(screen.getByTestId('upload-stage').textContent).toBe('Published');
    const link = screen.getByRole('link', { name: 'Go to the track' });
    expect(link.getAttribute('href')).toBe('/nightowl/midnight-chords');
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Upload another' }));
    expect(onAgain).toHaveBeenCalled();
  });

  it('says a track dated ahead is scheduled for that date, not live', () => {
    const { rerender } = render(
      <UploadProgressView state={{ phase: 'published', track: publishedTrack() }} />,
    );
    expect(screen.getByText(/is live\./)).toBeTruthy();
    const releaseDate = '2031-06-01T12:00:00.000Z';
    rerender(
      <UploadProgressView
        state={{ phase: 'published', track: publishedTrack({ release_date: releaseDate }) }}
      />,
    );
    const when = new Date(releaseDate).toLocaleDateString(undefined, {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    });
    const done = screen.getByText(/Scheduled for/).closest('p')!;
    expect(done.textContent).toContain(
      `Midnight Chords: Scheduled for ${when}. Only you can see it until then.`,
    );
    expect(done.textContent).not.toContain('is live');
  });

  it('shows a failure as an alert, and a cancel as cancelled', () => {
    const { rerender } = render(
      <UploadProgressView
        state={{ phase: 'failed', message: 'The file could not be processed.' }}
      />,
    );
    expect(screen.getByTestId('upload-stage').textContent).toBe('Upload failed');
    expect(screen.getByRole('alert').textContent).toBe('The file could not be processed.');
    rerender(<UploadProgressView state={{ phase: 'cancelled' }} />);
    expect(screen.getByTestId('upload-stage').textContent).toBe('Upload cancelled');
  });

  it('shows nothing but an empty live region before an upload', () => {
    render(<UploadProgressView state={{ phase: 'idle' }} />);
    expect(screen.queryByTestId('upload-stage')).toBeNull();
    expect(screen.getByRole('status').textContent).toBe('');
  });
});
