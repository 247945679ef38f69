package io.k8j.streaming;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Chunks handed from a connection's reader to a consumer's blocking {@link #input()}: a bounded
 * queue, so a slow consumer makes the connection's reader wait rather than buffer without end.
 */
public final class ChunkPipe {
  private static final byte[] END = new byte[0];

  private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(64);
  private volatile boolean finished;
  private final InputStream input =
      new BlockStreams.Input() {
        private byte[] current;
        private int pos;

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (len == 0) {
            return 0;
          }
          while (current == null || pos == current.length) {
            if (current == END) {
              return -1;
            }
            try {
              current = chunks.take();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new InterruptedIOException("interrupted");
            }
            pos = 0;
            if (current == END) {
              chunks.offer(END);
              return -1;
            }
          }
          int n = Math.min(len, current.length - pos);
          System.arraycopy(current, pos, b, off, n);
          pos += n;
          return n;
        }
      };

  /** Queues a chunk, waiting while the queue is full; dropped once finished. */
  public void write(byte[] chunk) throws InterruptedException {
    if (!finished && chunk.length > 0) {
      chunks.put(chunk);
    }
  }

  /** Ends the input (end of stream after what is queued); pending chunks are kept unless full. */
  public void finish() {
    if (!finished) {
      finished = true;
      if (!chunks.offer(END)) {
        chunks.clear();
        chunks.offer(END);
      }
    }
  }

  public boolean finished() {
    return finished;
  }

  public InputStream input() {
    return input;
  }
}
