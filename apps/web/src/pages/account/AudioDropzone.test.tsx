import { fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { AudioDropzone } from './AudioDropzone.js';
import { fakeFile } from './fixtures.js';

function Harness({ onFile }: { onFile: (file: File) => void }) {
  const [file, setFile] = useState<File | null>(null);
  return (
    <AudioDropzone
      file={file}
      onFile={(f) => {
        setFile(f);
        onFile(f);
      }}
    />
  );
}

const drop = (files: File[]) =>
  fireEvent.drop(screen.getByTestId('dropzone'), { dataTransfer: { files, types: ['Files'] } });

describe('AudioDropzone', () => {
  it('takes a dropped audio file and shows its name and size', () => {
    const onFile = vi.fn();
    render(<Harness onFile={onFile} />);
    const song = fakeFile('Midnight Chords.wav', 'audio/wav', 3 * 1024 * 1024);
    drop([song]);
    expect(onFile).toHaveBeenCalledWith(song);
    expect(screen.getByText('Midnight Chords.wav')).toBeTruthy();
    expect(screen.getByText('3 MB')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('refuses a dropped text file with a message, before any upload', () => {
    const onFile = vi.fn();
    render(<Harness onFile={onFile} />);
    drop([fakeFile('notes.txt', 'text/plain')]);
    expect(onFile).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toMatch(/"notes.txt" is not an audio file/);
    expect(screen.getByText('Drag and drop an audio file here')).toBeTruthy();
  });

  it('refuses a file over 200 MB', () => {
    const onFile = vi.fn();
    render(<Harness onFile={onFile} />);
    drop([fakeFile('long-mix.wav', 'audio/wav', 201 * 1024 * 1024)]);
    expect(onFile).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toMatch(/largest file you can upload is 200 MB/);
  });

  it('highlights while a file is dragged over it', () => {
    render(<Harness onFile={() => {}} />);
    const zone = screen.getByTestId('dropzone');
    fireEvent.dragOver(zone, { dataTransfer: { files: [], types: ['Files'] } });
    expect(zone.className).toContain('dropzone-over');
    expect(screen.getByText('Drop to choose this file')).toBeTruthy();
    fireEvent.dragLeave(zone);
    expect(zone.className).not.toContain('dropzone-over');
  });

  it('takes a file from the labelled input that the Choose file button opens', () => {
    const onFile = vi.fn();
    render(<Harness onFile={onFile} />);
    const input = screen.getByLabelText<HTMLInputElement>('Audio file');
    expect(input.type).toBe('file');
    expect(input.accept).toBe('audio/*');
    const clicked = vi.fn();
    input.addEventListener('click', clicked);
    fireEvent.click(screen.getByRole('button', { name: 'Choose file' }));
    expect(clicked).toHaveBeenCalled();
    const song = fakeFile('beat.mp3', 'audio/mpeg');
    fireEvent.change(input, { target: { files: [song] } });
    expect(onFile).toHaveBeenCalledWith(song);
    expect(screen.getByRole('button', { name: 'Choose another file' })).toBeTruthy();
  });
});
