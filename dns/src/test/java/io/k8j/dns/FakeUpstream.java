package io.k8j.dns;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * A tiny recursive resolver on loopback for tests: answers the records it was given (by name and
 * type), NXDOMAIN otherwise; UDP answers are truncated to the client's size, TCP ones are whole.
 */
public final class FakeUpstream implements AutoCloseable {
  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final Map<String, List<Record>> records = new ConcurrentHashMap<>();
  private final AtomicInteger udpQueries = new AtomicInteger();
  private final AtomicInteger tcpQueries = new AtomicInteger();
  private volatile boolean closed;

  private FakeUpstream(DatagramSocket udp, ServerSocket tcp) {
    this.udp = udp;
    this.tcp = tcp;
  }

  public static FakeUpstream start() throws IOException {
    InetAddress lo = InetAddress.getLoopbackAddress();
    for (int attempt = 0; ; attempt++) {
      DatagramSocket udp = new DatagramSocket(new InetSocketAddress(lo, 0));
      try {
        ServerSocket tcp = new ServerSocket(udp.getLocalPort(), 50, lo);
        FakeUpstream u = new FakeUpstream(udp, tcp);
        Thread.ofVirtual().start(u::udpLoop);
        Thread.ofVirtual().start(u::tcpLoop);
        return u;
      } catch (IOException e) {
        udp.close();
        if (attempt > 10) {
          throw e;
        }
      }
    }
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) udp.getLocalSocketAddress();
  }

  /** Answers queries for {@code rrs}' owner name and type with them. */
  public FakeUpstream add(Record... rrs) {
    for (Record r : rrs) {
      records.merge(
          key(r.getName(), r.getType()),
          List.of(r),
          (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList());
    }
    return this;
  }

  public int udpQueries() {
    return udpQueries.get();
  }

  public int tcpQueries() {
    return tcpQueries.get();
  }

  private Message answer(Message q) {
    Message r = new Message(q.getHeader().getID());
    r.getHeader().setFlag(Flags.QR);
    r.getHeader().setFlag(Flags.RD);
    r.getHeader().setFlag(Flags.RA);
    r.addRecord(q.getQuestion(), Section.QUESTION);
    List<Record> rrs = records.get(key(q.getQuestion().getName(), q.getQuestion().getType()));
    if (rrs == null) {
      r.getHeader().setRcode(Rcode.NXDOMAIN);
    } else {
      rrs.forEach(rr -> r.addRecord(rr, Section.ANSWER));
    }
    return r;
  }

  private void udpLoop() {
    byte[] buf = new byte[65535];
    while (!closed) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        udp.receive(p);
        udpQueries.incrementAndGet();
        Message q = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
        int max = q.getOPT() == null ? 512 : q.getOPT().getPayloadSize();
        byte[] out = answer(q).toWire(max);
        udp.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
      } catch (IOException e) {
        // closed, or a bad packet
      }
    }
  }

  private void tcpLoop() {
    while (!closed) {
      try {
        Socket s = tcp.accept();
        Thread.ofVirtual()
            .start(
                () -> {
                  try (s) {
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    OutputStream out = s.getOutputStream();
                    byte[] q = new byte[in.readUnsignedShort()];
                    in.readFully(q);
                    tcpQueries.incrementAndGet();
                    byte[] r = answer(new Message(q)).toWire();
                    out.write(new byte[] {(byte) (r.length >>> 8), (byte) r.length});
                    out.write(r);
                  } catch (IOException e) {
                    // the client went away
                  }
                });
      } catch (IOException e) {
        // closed
      }
    }
  }

  private static String key(Name name, int type) {
    return name.toString().toLowerCase(java.util.Locale.ROOT) + "/" + type;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    udp.close();
    tcp.close();
  }
}
