import { copyFile, link, rename } from 'node:fs/promises';
import { join } from 'node:path';

/** The working directory of an upload's job; it holds the original until the job ends. */
export function jobDirOf(jobsDir: string, id: string): string {
  return join(jobsDir, id);
}

/**
 * Gives a job directory its `original`: a hard link to `file` (blobs never change, so the two
 * names can share the bytes), or a copy where a link cannot be made (another disk). The copy is
 * renamed into place whole, so a crash never leaves a partial original for the job to transcode.
 */
export async function linkOriginal(file: string, dir: string): Promise<void> {
  const original = join(dir, 'original');
  try {
    await link(file, original);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP') throw error;
    await copyFile(file, `${original}.part`);
    await rename(`${original}.part`, original);
  }
}
