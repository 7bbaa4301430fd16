// The lines of a downloaded JSONL file (Shopify's bulk operation results), streamed: never loaded whole.
import readline from "node:readline";
import { Readable } from "node:stream";

/** The body's lines, as they arrive. */
export function linesOf(body: ReadableStream<Uint8Array>): AsyncIterable<string> {
  return readline.createInterface({ input: Readable.from(chunksOf(body)), crlfDelay: Infinity });
}

// Read through the stream's reader rather than Readable.fromWeb: it works whichever fetch is installed
// (remix-serve used Remix's polyfill, whose ReadableStream is not the class node:stream checks for).
async function* chunksOf(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value) yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
