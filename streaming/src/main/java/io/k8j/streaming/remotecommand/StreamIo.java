package io.k8j.streaming.remotecommand;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The streams of one exec or attach session as the runtime sees them: absent streams are null.
 * {@code resizes} receives the terminal sizes the client sends (TTY sessions only).
 */
public record StreamIo(
    InputStream stdin,
    OutputStream stdout,
    OutputStream stderr,
    boolean tty,
    BlockingQueue<TerminalSize> resizes) {

  public StreamIo(InputStream stdin, OutputStream stdout, OutputStream stderr, boolean tty) {
    this(stdin, stdout, stderr, tty, new LinkedBlockingQueue<>());
  }
}
