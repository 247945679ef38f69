package io.k8j.streaming.remotecommand;

import io.k8j.streaming.Pumps;
import io.k8j.streaming.spdy.SpdySession;
import io.k8j.streaming.spdy.SpdyStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The client side of exec and attach over SPDY ({@code v4.channel.k8s.io}), as the kubelet speaks
 * it to the runtime's streaming server: the session's streams joined to {@code io}.
 */
public final class RemoteCommandClient {
  private RemoteCommandClient() {}

  /**
   * Runs the session to its end; returns the exit code the server reported.
   *
   * @throws StreamingException when the server ended it with another failure
   */
  public static int run(SpdySession session, StreamIo io)
      throws IOException, InterruptedException, StreamingException {
    try {
      SpdyStream error = session.open(Map.of("streamtype", List.of("error")));
      List<Thread> pumps = new ArrayList<>();
      if (io.stdin() != null) {
        SpdyStream stdin = session.open(Map.of("streamtype", List.of("stdin")));
        Thread.ofVirtual().start(() -> Pumps.copyAndClose(io.stdin(), stdin.output()));
      }
      if (io.stdout() != null) {
        SpdyStream stdout = session.open(Map.of("streamtype", List.of("stdout")));
        pumps.add(Thread.ofVirtual().start(() -> Pumps.copy(stdout.input(), io.stdout())));
      }
      if (io.stderr() != null && !io.tty()) {
        SpdyStream stderr = session.open(Map.of("streamtype", List.of("stderr")));
        pumps.add(Thread.ofVirtual().start(() -> Pumps.copy(stderr.input(), io.stderr())));
      }
      if (io.tty()) {
        SpdyStream resize = session.open(Map.of("streamtype", List.of("resize")));
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    while (true) {
                      TerminalSize s = io.resizes().take();
                      resize.output().write(s.json().getBytes(StandardCharsets.UTF_8));
                    }
                  } catch (IOException | InterruptedException ignored) {
                    // the session ended
                  }
                });
      }
      String status = new String(error.input().readAllBytes(), StandardCharsets.UTF_8);
      for (Thread t : pumps) {
        t.join(TimeUnit.SECONDS.toMillis(30));
      }
      int code = ExecStatus.parseExitCode(status);
      if (code < 0) {
        throw new StreamingException(ExecStatus.message(status));
      }
      return code;
    } finally {
      session.close();
    }
  }
}
