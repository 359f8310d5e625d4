import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { HttpProblem } from '../errors/problem.js';

export interface DownloadLimits {
  /** Entries downloads served at once by this process; more answer 503 with Retry-After. */
  readonly maxDownloads: number;
  /** A download whose client takes no bytes for this long is ended (its socket destroyed). */
  readonly stallTimeoutMs: number;
}

const DEFAULT_DOWNLOAD_LIMITS: DownloadLimits = { maxDownloads: 32, stallTimeoutMs: 30_000 };

/** A full bound frees up as downloads finish or stall out, in seconds rather than instantly. */
const BUSY_RETRY_AFTER_S = 5;
/** Lines are handed to the socket in strings of about this many characters, not one by one. */
const CHUNK_CHARS = 64 * 1024;

/**
 * What keeps entries downloads from taking the process down: a bound on how many run at once,
 * and a write deadline. The entries are read from the store in chunks that hold a connection
 * only while each is read (ballots.ts), so a client that stops reading holds a slot here and
 * one chunk of memory, never a database connection, and only until the deadline.
 */
export class EntriesDownloads {
  private active = 0;

  constructor(private readonly limits: DownloadLimits = DEFAULT_DOWNLOAD_LIMITS) {}

  /** Takes a slot for this response, given back when it closes however it ends; 503 when none is left. */
  admit(reply: FastifyReply): void {
    if (this.active >= this.limits.maxDownloads) {
      throw new HttpProblem(
        'SERVICE_UNAVAILABLE',
        `${this.limits.maxDownloads} entries downloads are under way; retry shortly`,
        [],
        BUSY_RETRY_AFTER_S,
      );
    }
    this.active += 1;
    reply.raw.once('close', () => {
      this.active -= 1;
    });
  }

  /** The body: the lines in large strings, and a response that stops draining ended at the deadline. */
  body(lines: AsyncIterable<string>, reply: FastifyReply): Readable {
    endWhenStalled(reply, this.limits.stallTimeoutMs);
    return Readable.from(chunks(lines), { objectMode: false });
  }
}

async function* chunks(lines: AsyncIterable<string>): AsyncGenerator<string> {
  let pending = '';
  for await (const line of lines) {
    pending += line;
    if (pending.length >= CHUNK_CHARS) {
      yield pending;
      pending = '';
    }
  }
  if (pending.length > 0) yield pending;
}

/**
 * While the response waits for its client to drain, time runs; any drain resets it. A slow
 * store does not count: the response is not waiting then. Destroying the response destroys
 * its socket, and the body stream with it, which stops the reads from the store.
 */
function endWhenStalled(reply: FastifyReply, stallTimeoutMs: number): void {
  const res = reply.raw;
  let progressAt = Date.now();
  const progressed = () => {
    progressAt = Date.now();
  };
  const timer = setInterval(
    () => {
      if (!res.writableNeedDrain) progressed();
      else if (Date.now() - progressAt >= stallTimeoutMs) res.destroy();
    },
    Math.max(10, Math.min(1_000, stallTimeoutMs / 4)),
  );
  timer.unref();
  res.on('drain', progressed);
  res.once('close', () => {
    clearInterval(timer);
    res.off('drain', progressed);
  });
}
