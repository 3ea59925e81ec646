/**
 * Long work that awaits only PGlite never lets the event loop turn: the embedded database answers
 * from WebAssembly without I/O, so a loop of awaited queries is one unbroken chain of microtasks
 * and every HTTP request (/health included) waits until it ends. Such loops yield with this.
 */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Work between two turns of the event loop: well under the 1 s /health answers within. */
export const SLICE_MS = 25;

/**
 * A checkpoint for a loop over many items: it lets the event loop run once the current slice has
 * taken `sliceMs`, so the loop costs other requests at most one slice, whatever the batch size.
 */
export function eventLoopSlicer(sliceMs = SLICE_MS): () => Promise<void> {
  let sliceStart = performance.now();
  return async () => {
    if (performance.now() - sliceStart < sliceMs) return;
    await yieldToEventLoop();
    sliceStart = performance.now();
  };
}
