package io.k8j.streaming.remotecommand;

import io.k8j.streaming.BlockStreams;
import io.k8j.streaming.ChunkPipe;
import io.k8j.streaming.Negotiation;
import io.k8j.streaming.OpenSessions;
import io.k8j.streaming.spdy.SpdySession;
import io.k8j.streaming.spdy.SpdyStream;
import io.k8j.streaming.upgrade.Duplex;
import io.k8j.streaming.websocket.WebSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of exec and attach, as the kubelet serves them: WebSocket with the channel
 * protocols {@code v5.channel.k8s.io} (stdin close signal) and {@code v4.channel.k8s.io}, or
 * SPDY/3.1 with one stream per standard stream. Either way the session ends with a Status on the
 * error channel.
 */
public final class RemoteCommandServer {
  private static final Logger log = LoggerFactory.getLogger(RemoteCommandServer.class);
  public static final String V5 = "v5.channel.k8s.io";
  public static final String V4 = "v4.channel.k8s.io";
  private static final List<String> PROTOCOLS = List.of(V5, V4);
  private static final int STDIN = 0;
  private static final int STDOUT = 1;
  private static final int STDERR = 2;
  private static final int ERROR = 3;
  private static final int RESIZE = 4;
  private static final int CLOSE = 255;
  private static final long STREAM_CREATION_TIMEOUT_SECONDS = 30;

  /**
   * When the client went away, the command has seen the end of its stdin; it gets this long to end
   * on its own before it is interrupted (the runtime then hangs up its terminal or stops it).
   */
  private static final long CLIENT_GONE_GRACE_SECONDS = 5;

  /** What the client asked for, from the query ({@code command=...&stdin=true&tty=true}). */
  public record Options(
      List<String> command, boolean stdin, boolean stdout, boolean stderr, boolean tty) {
    public static Options from(Request request) {
      var q = Request.extractQueryParameters(request);
      List<String> cmd = q.getValues("command");
      boolean tty = flag(q.getValue("tty"));
      return new Options(
          cmd == null ? List.of() : List.copyOf(cmd),
          flag(q.getValue("stdin")) || flag(q.getValue("input")),
          flag(q.getValue("stdout")) || flag(q.getValue("output")),
          !tty && (flag(q.getValue("stderr")) || flag(q.getValue("error"))),
          tty);
    }

    private static boolean flag(String v) {
      return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
    }
  }

  private RemoteCommandServer() {}

  /**
   * Upgrades the request and runs {@code command} over the negotiated protocol, counted in {@code
   * open} until its connection is released; answers 400 or 403 (and nothing runs) when the request
   * cannot be upgraded.
   */
  public static void serve(
      Request request,
      Response response,
      Callback callback,
      Options options,
      String description,
      OpenSessions open,
      ContainerCommand command) {
    if (!options.stdin() && !options.stdout() && !options.stderr()) {
      Negotiation.reject(
          response, callback, 400, "you must specify at least 1 of stdin, stdout, stderr");
      return;
    }
    Negotiation.upgrade(
        request,
        response,
        callback,
        PROTOCOLS,
        open.counting(
            (chosen, d) ->
                new WebSocketSession(d, options, chosen.equals(V5), description, command).run()),
        PROTOCOLS,
        open.counting(
            (chosen, d) -> new SpdyCommandSession(d, options, description, command).run()));
  }

  /** Runs the command on a virtual thread; the result as a Status JSON. */
  private static Thread start(
      ContainerCommand command, StreamIo io, Options options, String description, String[] status) {
    return Thread.ofVirtual()
        .name("exec")
        .start(
            () -> {
              try {
                int code = command.run(io);
                status[0] =
                    code == 0 ? ExecStatus.success() : ExecStatus.exitCode(options.command(), code);
                log.info("{} ended with exit code {}", description, code);
              } catch (StreamingException e) {
                status[0] = ExecStatus.failure(e.getMessage());
                log.info("{} failed: {}", description, e.getMessage());
              } catch (InterruptedException e) {
                status[0] = ExecStatus.failure("the client went away");
                log.info("{} ended: the client went away", description);
              } catch (Exception e) {
                status[0] = ExecStatus.failure(e.toString());
                log.warn("{} failed", description, e);
              }
            });
  }

  private static void parseResizes(InputStream in, StreamIo io) throws IOException {
    StringBuilder object = new StringBuilder();
    int depth = 0;
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '{') {
        depth++;
      }
      if (depth > 0) {
        object.append((char) c);
      }
      if (c == '}' && --depth == 0) {
        TerminalSize size = TerminalSize.parse(object.toString());
        if (size != null) {
          io.resizes().offer(size);
        }
        object.setLength(0);
      }
    }
  }

  private static final class WebSocketSession {
    private final Duplex duplex;
    private final WebSocket ws;
    private final Options options;
    private final boolean v5;
    private final String description;
    private final ContainerCommand command;

    WebSocketSession(
        Duplex duplex, Options options, boolean v5, String description, ContainerCommand command) {
      this.duplex = duplex;
      this.ws = new WebSocket(duplex.input(), duplex.output(), false);
      this.options = options;
      this.v5 = v5;
      this.description = description;
      this.command = command;
    }

    void run() {
      ChunkPipe stdin = new ChunkPipe();
      if (!options.stdin()) {
        stdin.finish();
      }
      StreamIo io =
          new StreamIo(
              options.stdin() ? stdin.input() : null,
              options.stdout() ? channel(STDOUT) : null,
              options.stderr() ? channel(STDERR) : null,
              options.tty());
      String[] status = new String[1];
      Thread running = start(command, io, options, description, status);
      CountDownLatch done = new CountDownLatch(1);
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  running.join();
                  byte[] s = status[0].getBytes(StandardCharsets.UTF_8);
                  ws.sendChannel(ERROR, s, 0, s.length);
                } catch (IOException | InterruptedException ignored) {
                  // the client is gone
                } finally {
                  ws.close(1000);
                  done.countDown();
                }
              });
      try {
        WebSocket.Message m;
        while ((m = ws.read()) != null) {
          byte[] p = m.payload();
          if (p.length == 0) {
            continue;
          }
          switch (p[0] & 0xff) {
            case STDIN -> stdin.write(java.util.Arrays.copyOfRange(p, 1, p.length));
            case RESIZE -> {
              TerminalSize size =
                  TerminalSize.parse(new String(p, 1, p.length - 1, StandardCharsets.UTF_8));
              if (size != null) {
                io.resizes().offer(size);
              }
            }
            case CLOSE -> {
              if (v5 && p.length > 1 && p[1] == STDIN) {
                stdin.finish();
              }
            }
            default -> {}
          }
        }
      } catch (IOException | InterruptedException e) {
        log.debug("{}: connection ended: {}", description, e.getMessage());
      } finally {
        stdin.finish();
        try {
          if (!done.await(CLIENT_GONE_GRACE_SECONDS, TimeUnit.SECONDS)) {
            running.interrupt();
            done.await(10, TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        duplex.close();
      }
    }

    private OutputStream channel(int ch) {
      return new BlockStreams.Output() {

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          ws.sendChannel(ch, b, off, len);
        }
      };
    }
  }

  private static final class SpdyCommandSession {
    private final Duplex duplex;
    private final Options options;
    private final String description;
    private final ContainerCommand command;

    SpdyCommandSession(
        Duplex duplex, Options options, String description, ContainerCommand command) {
      this.duplex = duplex;
      this.options = options;
      this.description = description;
      this.command = command;
    }

    void run() {
      SpdySession session = new SpdySession(duplex.input(), duplex.output(), duplex, true);
      Map<String, SpdyStream> streams = new ConcurrentHashMap<>();
      int expected =
          1
              + (options.stdin() ? 1 : 0)
              + (options.stdout() ? 1 : 0)
              + (options.stderr() ? 1 : 0)
              + (options.tty() ? 1 : 0);
      CountDownLatch created = new CountDownLatch(expected);
      session.start(
          stream -> {
            try {
              stream.reply();
            } catch (IOException e) {
              return;
            }
            String type = stream.header("streamtype");
            if (type != null && streams.putIfAbsent(type, stream) == null) {
              created.countDown();
            }
          });
      try {
        if (!created.await(STREAM_CREATION_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          log.info("{}: timed out waiting for the client to create streams", description);
          session.close();
          return;
        }
        SpdyStream error = streams.get("error");
        StreamIo io =
            new StreamIo(
                options.stdin() ? streams.get("stdin").input() : null,
                options.stdout() ? streams.get("stdout").output() : null,
                options.stderr() ? streams.get("stderr").output() : null,
                options.tty());
        if (options.tty() && streams.containsKey("resize")) {
          InputStream resize = streams.get("resize").input();
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      parseResizes(resize, io);
                    } catch (IOException ignored) {
                      // the session ended
                    }
                  });
        }
        String[] status = new String[1];
        Thread t = start(command, io, options, description, status);
        Thread watcher =
            Thread.ofVirtual()
                .start(
                    () -> {
                      try {
                        session.awaitEnd();
                        if (!t.join(Duration.ofSeconds(CLIENT_GONE_GRACE_SECONDS))) {
                          t.interrupt();
                        }
                      } catch (InterruptedException ignored) {
                        // the command ended first
                      }
                    });
        t.join();
        watcher.interrupt();
        for (String s : List.of("stdout", "stderr")) {
          if (streams.containsKey(s)) {
            streams.get(s).output().close();
          }
        }
        error.output().write(status[0].getBytes(StandardCharsets.UTF_8));
        error.output().close();
        session.awaitEnd(2, TimeUnit.SECONDS);
      } catch (IOException | InterruptedException e) {
        log.debug("{}: connection ended: {}", description, e.getMessage());
      } finally {
        session.close();
      }
    }
  }
}
