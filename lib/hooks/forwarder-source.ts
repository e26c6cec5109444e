// The JavaScript an agent's hook file (pi's extension, OpenCode's plugin) uses to hand an event
// to `git trace hook AGENT`: one JSON payload on the hook's stdin, a bounded wait so the snapshot
// before a tool is taken before the tool runs, and never an error into the agent. Plain
// JavaScript syntax on purpose: the agents load it without type-checking, and tests import it.

/** The helper functions (attempt, serialize, runHook); the file declares WAIT_MS and imports spawn. */
export function forwarderSource(agent: string): string {
  return `function attempt(read) {
  try {
    const value = read();
    return value === null ? undefined : value;
  } catch {
    return undefined;
  }
}

function serialize(data) {
  return attempt(() => JSON.stringify(data)) ?? attempt(() => JSON.stringify({ ...data, tool_input: undefined, tool_response: undefined }));
}

function runHook(body, cwd) {
  return new Promise((resolve) => {
    let child;
    const timer = setTimeout(() => {
      attempt(() => child.unref());
      resolve();
    }, WAIT_MS);
    attempt(() => timer.unref());
    const finish = () => {
      clearTimeout(timer);
      resolve();
    };
    try {
      child = spawn("git", ["trace", "hook", "${agent}"], { cwd, detached: true, stdio: ["pipe", "ignore", "ignore"] });
      child.on("error", finish);
      child.on("exit", finish);
      child.stdin.on("error", () => undefined);
      child.stdin.end(body);
    } catch {
      finish();
    }
  });
}

`;
}
