package io.k8j.bench.proxy;

import io.k8j.bench.Histogram;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The two ends of the benchmark, each run as its own JVM (inside a network namespace for the kernel
 * mode): {@code serve IP PORT}, a small HTTP/1.1 server answering every request with a 2-byte body;
 * and {@code load CONNECTIONS WARMUP_MS SLICE_MS SLICES keepalive|close IP:PORT...}, which sends
 * requests back to back on each connection (or one per new connection) to each target in turn, in
 * alternating slices, and prints for each target {@code requests N seconds S p50 MS p99 MS errors N
 * warmup N}.
 */
public final class HttpLoad {
  private static final byte[] RESPONSE =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"
          .getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CLOSE_RESPONSE =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
          .getBytes(StandardCharsets.US_ASCII);

  private HttpLoad() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "serve" -> serve(args[1], Integer.parseInt(args[2]));
      case "load" -> {
        List<InetSocketAddress> targets = new ArrayList<>();
        for (int i = 6; i < args.length; i++) {
          int colon = args[i].lastIndexOf(':');
          targets.add(
              new InetSocketAddress(
                  args[i].substring(0, colon), Integer.parseInt(args[i].substring(colon + 1))));
        }
        for (Result r :
            load(
                targets,
                Integer.parseInt(args[1]),
                Long.parseLong(args[2]),
                Long.parseLong(args[3]),
                Integer.parseInt(args[4]),
                args[5].equals("keepalive"))) {
          System.out.println(r.line());
        }
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  /** One load run's figures. */
  public record Result(
      long requests,
      double seconds,
      double p50Millis,
      double p99Millis,
      long errors,
      long warmupRequests) {
    public double perSecond() {
      return requests / seconds;
    }

    String line() {
      return String.format(
          Locale.ROOT,
          "requests %d seconds %.3f p50 %.4f p99 %.4f errors %d warmup %d",
          requests,
          seconds,
          p50Millis,
          p99Millis,
          errors,
          warmupRequests);
    }

    static Result parse(String line) {
      String[] f = line.trim().split(" ");
      return new Result(
          Long.parseLong(f[1]),
          Double.parseDouble(f[3]),
          Double.parseDouble(f[5]),
          Double.parseDouble(f[7]),
          Long.parseLong(f[9]),
          Long.parseLong(f[11]));
    }
  }

  static void serve(String ip, int port) throws IOException {
    try (ServerSocket server = new ServerSocket()) {
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getByName(ip), port), 1024);
      System.out.println("ready");
      System.out.flush();
      while (true) {
        Socket s = server.accept();
        Thread.ofVirtual().start(() -> answer(s));
      }
    }
  }

  private static void answer(Socket s) {
    try (s) {
      s.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(s.getInputStream(), 4096);
      OutputStream out = s.getOutputStream();
      while (true) {
        boolean close = readHead(in);
        out.write(close ? CLOSE_RESPONSE : RESPONSE);
        out.flush();
        if (close) {
          // let the client close first, so that TIME_WAIT stays with it
          while (in.read() >= 0) {
            // until the client's FIN
          }
          return;
        }
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  /** Reads a request head; true if it asks to close the connection. */
  private static boolean readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int state = 0;
    while (state < 4) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException();
      }
      head.append((char) b);
      if (b == '\r') {
        state = state == 2 ? 3 : 1;
      } else if (b == '\n' && (state == 1 || state == 3)) {
        state++;
      } else {
        state = 0;
      }
    }
    return head.indexOf("Connection: close") >= 0;
  }

  /**
   * Runs the load from this JVM against each target in turn, in slices: a warm-up slice for each,
   * then {@code slices} measured slices of {@code sliceMs} for each, alternating, so that whatever
   * else the machine is doing falls on every target alike. One result per target, in order.
   */
  static List<Result> load(
      List<InetSocketAddress> targets,
      int connections,
      long warmupMs,
      long sliceMs,
      int slices,
      boolean keepAlive)
      throws InterruptedException {
    List<Histogram> histograms = new ArrayList<>();
    long[] nanos = new long[targets.size()];
    long[] errors = new long[targets.size()];
    long[] warmup = new long[targets.size()];
    for (int t = 0; t < targets.size(); t++) {
      histograms.add(new Histogram());
      Histogram w = new Histogram();
      slice(targets.get(t), connections, warmupMs, keepAlive, w);
      warmup[t] = w.count();
    }
    for (int s = 0; s < slices; s++) {
      for (int t = 0; t < targets.size(); t++) {
        long t0 = System.nanoTime();
        errors[t] += slice(targets.get(t), connections, sliceMs, keepAlive, histograms.get(t));
        nanos[t] += System.nanoTime() - t0;
      }
    }
    List<Result> out = new ArrayList<>();
    for (int t = 0; t < targets.size(); t++) {
      Histogram h = histograms.get(t);
      out.add(
          new Result(
              h.count(),
              nanos[t] / 1e9,
              h.percentileMillis(50),
              h.percentileMillis(99),
              errors[t],
              warmup[t]));
    }
    return out;
  }

  /**
   * {@code connections} clients, each sending requests back to back for {@code ms} (keep-alive, or
   * a new connection for each); their latencies go to {@code into}. The number of failures.
   */
  private static long slice(
      InetSocketAddress target, int connections, long ms, boolean keepAlive, Histogram into)
      throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong errors = new AtomicLong();
    List<Histogram> histograms = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      Histogram h = new Histogram();
      histograms.add(h);
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (!stop.get()) {
                      try {
                        if (keepAlive) {
                          keepAlive(target, h, stop);
                        } else {
                          oneConnection(target, h, stop);
                        }
                      } catch (IOException e) {
                        if (!stop.get()) {
                          errors.incrementAndGet();
                        }
                      }
                    }
                  }));
    }
    Thread.sleep(ms);
    stop.set(true);
    for (Thread t : threads) {
      t.join(10_000);
    }
    histograms.forEach(into::addAll);
    return errors.get();
  }

  private static final byte[] REQUEST =
      "GET / HTTP/1.1\r\nHost: bench\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CLOSE_REQUEST =
      "GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII);

  private static void keepAlive(InetSocketAddress target, Histogram h, AtomicBoolean stop)
      throws IOException {
    try (Socket s = new Socket()) {
      s.setTcpNoDelay(true);
      s.connect(target, 2000);
      s.setSoTimeout(5000);
      InputStream in = new BufferedInputStream(s.getInputStream(), 4096);
      OutputStream out = s.getOutputStream();
      byte[] buf = new byte[RESPONSE.length];
      while (!stop.get()) {
        long t0 = System.nanoTime();
        out.write(REQUEST);
        out.flush();
        readFully(in, buf, RESPONSE.length);
        if (!stop.get()) {
          h.record(System.nanoTime() - t0);
        }
      }
    }
  }

  private static void oneConnection(InetSocketAddress target, Histogram h, AtomicBoolean stop)
      throws IOException {
    long t0 = System.nanoTime();
    try (Socket s = new Socket()) {
      s.setTcpNoDelay(true);
      s.connect(target, 2000);
      s.setSoTimeout(5000);
      s.getOutputStream().write(CLOSE_REQUEST);
      byte[] buf = new byte[CLOSE_RESPONSE.length];
      readFully(s.getInputStream(), buf, CLOSE_RESPONSE.length);
    }
    if (!stop.get()) {
      h.record(System.nanoTime() - t0);
    }
  }

  private static void readFully(InputStream in, byte[] buf, int n) throws IOException {
    int off = 0;
    while (off < n) {
      int r = in.read(buf, off, n - off);
      if (r < 0) {
        throw new EOFException();
      }
      off += r;
    }
  }
}
