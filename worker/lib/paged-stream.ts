/**
 * A response body made a page at a time, as the client reads it: each `pull` reads one page
 * from storage and encodes it, so an export of any length holds one page in memory. Used by
 * the console's ledger export and its list export.
 */

/**
 * A stream of `head`, then every page `next(cursor)` returns (encoded by `encode`), until a page
 * is shorter than `pageSize`. `cursorOf` gives the cursor after a page's last item.
 */
export function pagedStream<T, C>(options: {
  head: string;
  pageSize: number;
  next: (cursor: C | null) => Promise<T[]>;
  cursorOf: (last: T) => C;
  encode: (item: T) => string;
}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: C | null = null;
  let started = false;
  let done = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (done) return controller.close();
        let text = started ? "" : options.head;
        started = true;
        const page = await options.next(cursor);
        for (const item of page) text += options.encode(item);
        if (page.length < options.pageSize) done = true;
        else cursor = options.cursorOf(page[page.length - 1]!);
        if (text) controller.enqueue(encoder.encode(text));
        if (done) controller.close();
      },
    },
    // Nothing is read ahead of the client: a page is read when the previous one was taken.
    { highWaterMark: 0 },
  );
}
