/**
 * Runs `"$@"` in the background and kills it when either (a) this shell's stdin reaches end of
 * file, which happens when the node that holds the other end of the pipe dies, even by SIGKILL,
 * or (b) this shell is sent SIGTERM, SIGINT or SIGHUP (an aborted job). Exits with the command's
 * status. The watcher reads a dup of stdin (fd 3), because a background job's stdin is /dev/null.
 */
const WATCHDOG = `
trap 'kill -KILL "$child" 2>/dev/null' TERM INT HUP
exec 3<&0
"$@" </dev/null 3<&- &
child=$!
{ while read -r line; do :; done; kill -KILL "$child"; } <&3 >/dev/null 2>&1 &
watcher=$!
exec 3<&-
wait "$child"
status=$?
while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done
kill "$watcher" 2>/dev/null
exit "$status"
`;

/**
 * The command and arguments that run `command args` so that it dies with this node. A child
 * process outlives a parent killed by SIGKILL (no handler runs), and ffmpeg keeps transcoding
 * when its stdin closes, so a small POSIX shell stands between them and kills the command when
 * the node's end of its stdin pipe closes. The caller must give the child a stdin pipe and never
 * close it while the command should run (execFile and `spawn` with `stdio[0] = 'pipe'` do so).
 */
export function diesWithParent(command: string, args: readonly string[]): [string, string[]] {
  return ['/bin/sh', ['-c', WATCHDOG, 'dies-with-parent', command, ...args]];
}
