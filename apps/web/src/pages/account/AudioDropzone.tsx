import { type DragEvent, useRef, useState } from 'react';
import { MAX_AUDIO_BYTES, formatBytes, validateAudioFile } from './validation.js';

/**
 * Where the audio file is chosen: dropped onto the zone, or picked with the "Choose file" button
 * (which opens the hidden file input). A file that is not audio, is empty or is too large is
 * refused here with a message, before a byte is sent.
 */
export function AudioDropzone({
  file,
  onFile,
  disabled = false,
  maxBytes = MAX_AUDIO_BYTES,
}: {
  file: File | null;
  onFile: (file: File) => void;
  disabled?: boolean;
  maxBytes?: number;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const take = (files: FileList | readonly File[] | null | undefined) => {
    const chosen = files?.[0];
    if (!chosen) return;
    if (files.length > 1) {
      setError('Drop one file at a time.');
      return;
    }
    const problem = validateAudioFile(chosen, maxBytes);
    setError(problem);
    if (!problem) onFile(chosen);
  };

  const onDragOver = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    if (disabled) return;
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    setOver(true);
  };
  const onDragLeave = (event: DragEvent<HTMLDivElement>) => {
    // Leaving for a child of the zone is not leaving the zone.
    if (event.relatedTarget instanceof Node && event.currentTarget.contains(event.relatedTarget))
      return;
    setOver(false);
  };
  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setOver(false);
    if (disabled) return;
    take(event.dataTransfer?.files);
  };

  const className = [
    'dropzone',
    over && 'dropzone-over',
    file && 'dropzone-has-file',
    error && 'dropzone-invalid',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <div className="dropzone-wrap">
      <div
        className={className}
        data-testid="dropzone"
        onDragEnter={onDragOver}
        onDragOver={onDragOver}
        onDragLeave={onDragLeave}
        onDrop={onDrop}
        aria-disabled={disabled || undefined}
      >
        <span className="dropzone-icon" aria-hidden="true">
          ♪
        </span>
        {file ? (
          <p className="dropzone-file">
            <strong>{file.name}</strong>
            <span className="dropzone-size">{formatBytes(file.size)}</span>
          </p>
        ) : (
          <p className="dropzone-prompt">
            {over ? 'Drop to choose this file' : 'Drag and drop an audio file here'}
          </p>
        )}
        <p className="dropzone-or" aria-hidden="true">
          {file ? '' : 'or'}
        </p>
        <button
          type="button"
          onClick={() => input.current?.click()}
          disabled={disabled}
          aria-describedby={error ? 'audio-file-error' : 'audio-file-hint'}
        >
          {file ? 'Choose another file' : 'Choose file'}
        </button>
        <p className="field-hint" id="audio-file-hint">
          MP3, WAV, FLAC, AIFF, OGG or M4A, up to {formatBytes(maxBytes)}.
        </p>
        <input
          ref={input}
          type="file"
          accept="audio/*"
          aria-label="Audio file"
          className="visually-hidden"
          tabIndex={-1}
          disabled={disabled}
          onChange={(e) => {
            take(e.target.files);
            // Choosing the same file again after a refusal should fire change again.
            e.target.value = '';
          }}
        />
      </div>
      {error && (
        <p className="field-error" id="audio-file-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
