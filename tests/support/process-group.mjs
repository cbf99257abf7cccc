// Stopping a server a test or bench started with `spawn(..., { detached: true })`: the whole
// process group, so helpers it forked (wrangler's workerd, next's workers) go with it.

/** SIGTERM the child's process group, SIGKILL after 5 s; resolves once the child has exited. */
export async function stopProcessGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  const signal = (name) => {
    try {
      process.kill(-child.pid, name);
    } catch {}
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5000);
  await gone;
  clearTimeout(timer);
}
