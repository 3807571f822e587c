import { BaseError } from '@coliving/protocol';

/** A port the devnet was told to use is taken by another process. */
export class PortInUseError extends BaseError {
  static override readonly defaultCode = 'port_in_use';
  override name = 'PortInUseError' as const;
  readonly port: number;

  constructor(port: number, what: string, cause?: unknown) {
    super(`Port ${port} on 127.0.0.1 (for ${what}) is already in use; pick another portBase`, {
      cause,
    });
    this.port = port;
  }
}

/** A node process exited, or did not become ready, while the devnet was starting. */
export class NodeStartError extends BaseError {
  static override readonly defaultCode = 'node_start_failed';
  override name = 'NodeStartError' as const;
}

/** `vite build` of the web player failed; its output is in the log file named. */
export class WebBuildError extends BaseError {
  static override readonly defaultCode = 'web_build_failed';
  override name = 'WebBuildError' as const;

  constructor(logFile: string, exitCode: number | null) {
    super(`Building the web player failed (exit ${exitCode}); see ${logFile}`);
  }
}

/** Seeding stopped: the message names the step, `cause` is the SDK's (or ffmpeg's) error. */
export class DemoCatalogError extends BaseError {
  static override readonly defaultCode = 'demo_catalog_failed';
  override name = 'DemoCatalogError' as const;
}

/** The devnet in `dir` cannot be resumed: none was saved there, or not as it is asked for. */
export class DevnetResumeError extends BaseError {
  static override readonly defaultCode = 'devnet_resume_failed';
  override name = 'DevnetResumeError' as const;
}
