package io.k8j.streaming;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Stream bases whose single-byte calls go through the block calls. */
public final class BlockStreams {
  private BlockStreams() {}

  /** An input stream that reads in blocks. */
  public abstract static class Input extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public abstract int read(byte[] b, int off, int len) throws IOException;
  }

  /** An output stream that writes in blocks. */
  public abstract static class Output extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public abstract void write(byte[] b, int off, int len) throws IOException;
  }
}
