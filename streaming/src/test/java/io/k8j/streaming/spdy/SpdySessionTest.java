package io.k8j.streaming.spdy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SpdySessionTest {
  @Test
  void dictionaryIsTheOneOfTheSpdy3Draft() throws Exception {
    byte[] sha = MessageDigest.getInstance("SHA-256").digest(SpdyDictionary.BYTES);
    assertThat(SpdyDictionary.BYTES).hasSize(1423);
    assertThat(HexFormat.of().formatHex(sha))
        .isEqualTo("51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02");
  }

  @Test
  void framesSurviveTheRoundTripWithSharedHeaderCompression() throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    SpdyFramer writer = new SpdyFramer(new ByteArrayInputStream(new byte[0]), wire);
    writer.synStream(1, 0, Map.of("streamtype", List.of("error"), "port", List.of("8080")));
    writer.synStream(3, 0, Map.of("streamtype", List.of("data"), "port", List.of("8080")));
    writer.data(3, SpdyFrame.FLAG_FIN, "hi".getBytes(StandardCharsets.UTF_8), 0, 2);
    writer.ping(7);
    writer.rstStream(1, SpdyFrame.CANCEL);

    SpdyFramer reader =
        new SpdyFramer(new ByteArrayInputStream(wire.toByteArray()), new ByteArrayOutputStream());
    var first = (SpdyFrame.SynStream) reader.read();
    assertThat(first.streamId()).isEqualTo(1);
    assertThat(first.headers()).containsEntry("streamtype", List.of("error"));
    var second = (SpdyFrame.SynStream) reader.read();
    assertThat(second.headers()).containsEntry("streamtype", List.of("data"));
    var data = (SpdyFrame.Data) reader.read();
    assertThat(data.fin()).isTrue();
    assertThat(new String(data.data(), StandardCharsets.UTF_8)).isEqualTo("hi");
    assertThat(reader.read()).isEqualTo(new SpdyFrame.Ping(7));
    assertThat(reader.read()).isEqualTo(new SpdyFrame.RstStream(1, SpdyFrame.CANCEL));
  }

  @Test
  void headerBlocksCarryRepeatedValuesSeparatedByNul() throws IOException {
    byte[] block = SpdyFramer.encodeHeaderBlock(Map.of("X-Stream", List.of("a", "b")));
    assertThat(SpdyFramer.decodeHeaderBlock(block)).containsEntry("x-stream", List.of("a", "b"));
  }

  @Test
  void clientAndServerExchangeDataOnAStreamAndEndItWithFin() throws Exception {
    PipedInputStream serverIn = new PipedInputStream(1 << 16);
    PipedOutputStream clientOut = new PipedOutputStream(serverIn);
    PipedInputStream clientIn = new PipedInputStream(1 << 16);
    PipedOutputStream serverOut = new PipedOutputStream(clientIn);
    SpdySession server = new SpdySession(serverIn, serverOut, serverOut, true);
    SpdySession client = new SpdySession(clientIn, clientOut, clientOut, false);
    CompletableFuture<String> echoed = new CompletableFuture<>();
    server.start(
        stream -> {
          try {
            stream.reply();
          } catch (IOException e) {
            echoed.completeExceptionally(e);
            return;
          }
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      byte[] all = stream.input().readAllBytes();
                      stream.output().write(("echo:" + new String(all)).getBytes());
                      stream.output().close();
                      echoed.complete(stream.header("streamtype"));
                    } catch (IOException e) {
                      echoed.completeExceptionally(e);
                    }
                  });
        });
    client.start(s -> s.reset());
    SpdyStream s = client.open(Map.of("streamtype", List.of("stdin")));
    assertThat(s.id()).isEqualTo(1);
    s.output().write("ping".getBytes());
    s.output().close();
    assertThat(new String(s.input().readAllBytes())).isEqualTo("echo:ping");
    assertThat(echoed.get(30, TimeUnit.SECONDS)).isEqualTo("stdin");
    client.close();
    assertThat(server.awaitEnd(30, TimeUnit.SECONDS)).isTrue();
  }
}
