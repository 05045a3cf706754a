/**
 * Paces a long loop in an isolate that serves other requests at the same time: call the returned function with the
 * work each step did (characters, say), and once `workPerTurn` has been done since the last pause it waits for the
 * next turn of the event loop, so a health check or a chat request waiting behind the loop gets its turn. Time cannot
 * pace it: in a Worker the clock stands still while code runs.
 */
export function createPacer(workPerTurn: number): (work: number) => Promise<void> {
  let done = 0;
  return async (work) => {
    done += work;
    if (done < workPerTurn) return;
    done = 0;
    await nextTurn();
  };
}

/** Characters of text processed between two pauses: tens of milliseconds of chunking or embedding. */
export const charactersPerTurn = 64 * 1024;

/**
 * Waits for the next turn of the event loop: a timer, not a resolved promise, since microtasks run before anything
 * else waiting and timers after it.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
