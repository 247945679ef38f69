package io.k8j.proxy.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Stand-ins for pods on loopback: an HTTP server and a UDP echo that answer with their name. */
public final class Backends {
  private Backends() {}

  /** An HTTP server on {@code ip:port} answering every GET with {@code name}. */
  public static HttpServer http(String ip, int port, String name) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(ip, port), 64);
    byte[] body = name.getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/",
        ex -> {
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    return server;
  }

  /** A UDP server on {@code ip:port} answering each datagram with {@code name:} and its text. */
  public static DatagramSocket udpEcho(String ip, int port, String name) throws IOException {
    DatagramSocket s = new DatagramSocket(new InetSocketAddress(ip, port));
    Thread.ofVirtual()
        .start(
            () -> {
              byte[] buf = new byte[2048];
              while (!s.isClosed()) {
                try {
                  DatagramPacket p = new DatagramPacket(buf, buf.length);
                  s.receive(p);
                  byte[] reply =
                      (name
                              + ":"
                              + new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8))
                          .getBytes(StandardCharsets.UTF_8);
                  s.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                } catch (IOException e) {
                  return;
                }
              }
            });
    return s;
  }

  /**
   * One HTTP/1.0 GET on a new connection; the response body, or null if the connection was refused
   * or closed without a response.
   */
  public static String get(String ip, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(ip, port), 2000);
      s.setSoTimeout(5000);
      s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      InputStream in = s.getInputStream();
      in.transferTo(buf);
      String resp = buf.toString(StandardCharsets.UTF_8);
      int body = resp.indexOf("\r\n\r\n");
      return body < 0 ? null : resp.substring(body + 4);
    } catch (IOException e) {
      return null;
    }
  }

  /** Sends {@code text} to {@code ip:port} over UDP; the reply, or null after 2 s. */
  public static String udp(String ip, int port, String text) {
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout(2000);
      byte[] b = text.getBytes(StandardCharsets.UTF_8);
      s.send(new DatagramPacket(b, b.length, InetAddress.getByName(ip), port));
      DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
      s.receive(p);
      return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
    } catch (SocketTimeoutException e) {
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  /** A TCP port free on both addresses at the moment. */
  public static int freePort(String... ips) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port;
      try (java.net.ServerSocket s =
          new java.net.ServerSocket(0, 1, InetAddress.getByName(ips[0]))) {
        port = s.getLocalPort();
      }
      boolean free = true;
      for (String ip : ips) {
        try (java.net.ServerSocket s =
                new java.net.ServerSocket(port, 1, InetAddress.getByName(ip));
            DatagramSocket d = new DatagramSocket(new InetSocketAddress(ip, port))) {
          // free for TCP and UDP
        } catch (IOException e) {
          free = false;
        }
      }
      if (free) {
        return port;
      }
    }
    throw new IOException("no free port");
  }
}
